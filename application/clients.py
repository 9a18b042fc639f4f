"""Find the buyer in PayTraq, or create them: registration number, then VAT number, then e-mail."""

from __future__ import annotations

import re

from application.errors import ClientDataInvalid
from application.ports import AccountingPort, ClientCache, ClientRecord, NewClient
from domain.orders import Customer
from domain.review import ReasonCode, ReviewReason

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


def _matches(kind: str, value: str, client: ClientRecord) -> bool:
    if kind == "reg":
        return _digits(client.registration_number) == value
    if kind == "vat":
        return _digits(client.vat_number) == value
    return client.email.strip().lower() == value


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


def find_or_create_client(
    customer: Customer, accounting: AccountingPort, cache: ClientCache, channel_id: str
) -> str:
    validate_customer(customer)
    keys = match_keys(customer)
    for kind, value in keys:
        cached = cache.get(channel_id, f"{kind}:{value}")
        if cached:
            return cached
    for kind, value in keys:
        for client in accounting.search_clients(value):
            if _matches(kind, value, client):
                for k, v in keys:
                    cache.put(channel_id, f"{k}:{v}", client.id)
                return client.id
    address = customer.billing_address
    client_id = accounting.create_client(
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
    for kind, value in keys:
        cache.put(channel_id, f"{kind}:{value}", client_id)
    return client_id
