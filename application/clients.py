"""Find the buyer in PayTraq, or create them: registration number, then VAT number, then e-mail.

A buyer this channel has met is in the client cache (every key of theirs points at the client):
no call. A new buyer costs client searches, then `POST client`. How many searches depends on
what `channel check` showed PayTraq's `clients?query=` matches (public evidence leaves it open
whether it matches registration and VAT numbers, DECISIONS R4): where one of the buyer's key
kinds is proven, ONE search by the strongest proven kind (after any stronger kind not shown
either way; a kind shown not to match is never searched), and every client of the answer is
compared on ALL the buyer's keys. Where none is proven, each key is searched in turn, as it
always was — searching by an unproven key alone and then creating could duplicate a client.

One buyer, one client, whatever the concurrency: while a worker looks a buyer up (and creates
them), it holds a lock on each of the buyer's keys, so a second order of the same buyer — even
one that carries a stronger key, say a VAT number the first did not — waits for the first to
commit the new client to the cache, then finds it there."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from application.errors import BuyerBusy, ClientDataInvalid
from application.lock_keeper import holding
from application.ports import (
    AccountingPort,
    ClientCache,
    ClientQueryProof,
    ClientRecord,
    Clock,
    ExpiringLock,
    NewClient,
)
from domain.orders import Customer
from domain.review import ReasonCode, ReviewReason

KEY_LABELS = {"reg": "registration number", "vat": "VAT number", "email": "e-mail"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _digits(value: str) -> str:
    return re.sub(r"[\s.-]", "", value).upper()


def match_keys(customer: Customer) -> list[tuple[str, str]]:
    """The ways to recognise this buyer, strongest first."""
    keys = [
        ("reg", _digits(customer.registration_number)),
        ("vat", _digits(customer.vat_number)),
        ("email", customer.email.strip().lower()),
    ]
    return [(kind, value) for kind, value in keys if value]


BUYER_PATIENCE = 20.0  # seconds: finding or creating a client takes a few PayTraq calls


def buyer_lock_names(channel_id: str, customer: Customer) -> list[str]:
    """A lock per way of recognising the buyer (the name, when there is no other)."""
    keys = match_keys(customer) or [("name", customer.display_name.lower())]
    return [
        "client:" + hashlib.sha256(f"{channel_id}\0{kind}:{value}".encode()).hexdigest()[:40]
        for kind, value in keys
    ]


@contextmanager
def holding_buyer(lock: ExpiringLock | None, channel_id: str, customer: Customer, clock: Clock,
                  patience: float = BUYER_PATIENCE) -> Iterator[None]:
    """Keep every other worker off this buyer until the block (find, create, commit) is done."""
    if lock is None:
        yield
        return
    with holding(lock, buyer_lock_names(channel_id, customer), clock,
                 busy=lambda: BuyerBusy(channel_id), patience=patience):
        yield


def client_key(kind: str, client: ClientRecord) -> str:
    """The client's key of `kind` as the service writes a buyer's (match_keys)."""
    if kind == "reg":
        return _digits(client.registration_number)
    if kind == "vat":
        return _digits(client.vat_number)
    return client.email.strip().lower()


def matches(kind: str, value: str, client: ClientRecord) -> bool:
    return client_key(kind, client) == value


Key = tuple[str, str]


def search_plan(keys: list[Key], proof: ClientQueryProof) -> tuple[list[Key], bool]:
    """The buyer's keys to search PayTraq by, in turn, and whether each answer is compared on
    all the buyer's keys (True) or only on the key searched (False: nothing proven)."""
    if not any(proof.matches(kind) for kind, _ in keys):
        return keys, False
    plan: list[Key] = []
    for kind, value in keys:
        if proof.misses(kind):
            continue  # PayTraq's search does not look at it: asking would find nothing
        plan.append((kind, value))
        if proof.matches(kind):
            break  # the one search shown to work: its answer is compared on every key
    return plan, True


def _search(keys: list[Key], proof: ClientQueryProof,
            accounting: AccountingPort) -> ClientRecord | None:
    plan, across = search_plan(keys, proof)
    for kind, value in plan:
        answer = accounting.search_clients(value)
        for k, v in keys if across else [(kind, value)]:  # strongest key first
            found = next((client for client in answer if matches(k, v, client)), None)
            if found is not None:
                return found
    return None


def validate_customer(customer: Customer) -> None:
    if not customer.display_name:
        raise ClientDataInvalid(
            ReviewReason.of(ReasonCode.CLIENT_DATA_INVALID, "the order has no buyer name or company")
        )
    if customer.email and not EMAIL.match(customer.email.strip()):
        raise ClientDataInvalid(
            ReviewReason.of(
                ReasonCode.CLIENT_DATA_INVALID,
                f"buyer e-mail {customer.email!r} is not a valid address",
                email=customer.email,
            )
        )


def cached_client(customer: Customer, cache: ClientCache, channel_id: str) -> str | None:
    """The buyer's PayTraq client when the shared cache knows it (strongest key first). No
    lock is needed to read it: an entry is written once, under the buyer's locks, and kept."""
    validate_customer(customer)
    for kind, value in match_keys(customer):
        cached = cache.get(channel_id, f"{kind}:{value}")
        if cached:
            return cached
    return None


def find_or_create_client(
    customer: Customer, accounting: AccountingPort, cache: ClientCache, channel_id: str,
    proven: Callable[[], ClientQueryProof] | None = None,
) -> str:
    """The buyer's PayTraq client id. `proven` tells what `clients?query=` was shown to match
    on this channel; it is asked only when the cache does not know the buyer."""
    cached = cached_client(customer, cache, channel_id)
    if cached:
        return cached
    keys = match_keys(customer)
    found = _search(keys, proven() if proven else ClientQueryProof(), accounting)
    client_id = found.id if found is not None else _create(customer, accounting)
    for kind, value in keys:
        cache.put(channel_id, f"{kind}:{value}", client_id)
    return client_id


def _create(customer: Customer, accounting: AccountingPort) -> str:
    address = customer.billing_address
    return accounting.create_client(
        NewClient(
            name=customer.display_name,
            type=2 if customer.is_company else 1,
            email=customer.email.strip(),
            phone=customer.phone,
            registration_number=customer.registration_number.strip(),
            vat_number=customer.vat_number.strip(),
            address=", ".join(p for p in (address.address, address.city) if p),
            zip=address.zip,
            country=address.country_code.upper(),
        )
    )
