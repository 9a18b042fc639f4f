"""Which shape of PayTraq's writes worked for a channel (DECISIONS R1, R2).

PayTraq's public material leaves the root of `POST sale` and the body of a payment open. The
adapter tries the plausible shapes in turn on a refusal and reports the one that worked; it is
remembered per channel so the next write goes straight to it, and `channel check` shows it.

Kept with it, per channel, what else is remembered of the channel's PayTraq company between
messages: when `channel check --write-test` last showed that PayTraq keeps a document's lines,
tax keys, shipping and adjustments as sent (a document created as predicted then need not be
read back), PayTraq's tax keys (shared by every worker, so a start costs no GET taxKeys), and
what the check showed `clients?query=` matches (DECISIONS R4: unconfirmed by the public
evidence), which decides how many searches a new buyer costs (application/clients.py), and
whether it showed `sales?query=` finding a DocumentRef, which makes a miss there conclusive
after a lost answer to a new document (application/document_recovery.py).
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.paytraq_totals import TaxKey


@dataclass(frozen=True, slots=True)
class WriteDialect:
    """Names of the shapes that worked (None: not learned yet). The adapter owns the names."""

    sale_root: str | None = None
    payment_form: str | None = None

    def merged(self, other: WriteDialect) -> WriteDialect:
        return WriteDialect(other.sale_root or self.sale_root,
                            other.payment_form or self.payment_form)


KEY_KINDS = ("reg", "vat", "email")  # a buyer's keys, strongest first (application/clients.py)


@dataclass(frozen=True, slots=True)
class ClientQueryProof:
    """What `channel check` showed PayTraq's `clients?query=` matches, per key kind: True — the
    search, written as the service writes it, found an existing client by that key; False — it
    did not (a client whose key is stored as the service writes it); absent — not shown either
    way (no client to try, or the answer proved nothing). `at`: when the check last changed it."""

    shown: tuple[tuple[str, bool], ...] = ()
    at: datetime | None = None

    def matches(self, kind: str) -> bool:
        return dict(self.shown).get(kind) is True

    def misses(self, kind: str) -> bool:
        return dict(self.shown).get(kind) is False

    def updated(self, found: Mapping[str, bool | None], at: datetime) -> ClientQueryProof:
        """This proof with a later check's verdicts; a kind the check could not show keeps its
        earlier verdict."""
        kinds = dict(self.shown) | {k: v for k, v in found.items() if v is not None}
        return ClientQueryProof(tuple((k, kinds[k]) for k in KEY_KINDS if k in kinds), at)


class WriteDialectStore(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str) -> WriteDialect: ...

    @abc.abstractmethod
    def remember(self, channel_id: str, dialect: WriteDialect, at: datetime) -> None: ...

    @abc.abstractmethod
    def writes_kept_since(self, channel_id: str) -> datetime | None:
        """When the write test last showed PayTraq keeps documents as sent (None: not shown)."""

    @abc.abstractmethod
    def record_write_test(self, channel_id: str, kept: bool, at: datetime) -> None:
        """The write test's verdict: kept (proven at `at`), or not (the proof is withdrawn)."""

    @abc.abstractmethod
    def sales_query_shown_since(self, channel_id: str) -> datetime | None:
        """When the check last showed `sales?query=` finds a sale by its DocumentRef (None:
        not shown, or a later check withdrew it)."""

    def sales_query_shown(self, channel_id: str) -> bool:
        """Whether a miss of `sales?query=` for a DocumentRef is conclusive on the channel."""
        return self.sales_query_shown_since(channel_id) is not None

    @abc.abstractmethod
    def record_sales_query(self, channel_id: str, finds_ref: bool, at: datetime) -> None:
        """The check's verdict on `sales?query=`: it finds a DocumentRef (shown at `at`), or
        not (the proof is withdrawn)."""

    @abc.abstractmethod
    def tax_keys(self, channel_id: str, not_before: datetime) -> list[TaxKey] | None:
        """PayTraq's tax keys as remembered at or after `not_before` (None: none that fresh)."""

    @abc.abstractmethod
    def remember_tax_keys(self, channel_id: str, keys: list[TaxKey] | None,
                          at: datetime) -> None:
        """Remember the tax keys just read from PayTraq; None forgets them (ask again)."""

    @abc.abstractmethod
    def client_query(self, channel_id: str) -> ClientQueryProof:
        """What the channel check last showed `clients?query=` matches (empty: nothing)."""

    @abc.abstractmethod
    def record_client_query(self, channel_id: str, proof: ClientQueryProof) -> None: ...
