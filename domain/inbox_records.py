"""What an inbox item records of its order's way: each step taken, the PayTraq document, the
payment, and what is still owed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Step:
    """One thing that happened to an order, never changed once recorded (the storage encodes
    each step once: adapters/storage/rows.py)."""

    name: str
    at: datetime
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class DocumentRecord:
    id: str
    ref: str
    sale_type: str
    status: str = "draft"
    total: Decimal | None = None
    adopted: bool = False


@dataclass(slots=True)
class PaymentRecord:
    amount: Decimal
    money_account_id: str
    overpayment: bool
    at: datetime
    paytraq_id: str | None = None


@dataclass(frozen=True, slots=True)
class Owed:
    """What automatic processing still owes an order with a document, by the channel's switches."""

    finalise: bool = False  # approve or post the document
    payment: bool = False
    email: bool = False

    def __bool__(self) -> bool:
        return self.finalise or self.payment or self.email
