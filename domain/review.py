"""Why an order waits for a person: named reasons with a human message."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReasonCode(StrEnum):
    TOTALS_MISMATCH = "totals_mismatch"
    UNKNOWN_SKU = "unknown_sku"
    UNMAPPED_TAX_RATE = "unmapped_tax_rate"
    UNMAPPED_PAYMENT_METHOD = "unmapped_payment_method"
    CLIENT_DATA_INVALID = "client_data_invalid"
    DELETED_AFTER_FINALISED = "deleted_after_finalised"
    PAYMENT_NEEDS_FINAL_DOCUMENT = "payment_needs_final_document"
    EMAIL_NOT_SENT = "email_not_sent"
    DOCUMENT_VOIDED = "document_voided"
    DELETED_AFTER_PAYMENT = "deleted_after_payment"
    PAYMENT_UNCERTAIN = "payment_uncertain"
    DOCUMENT_UNCERTAIN = "document_uncertain"
    CONNECT_UNCERTAIN = "connect_uncertain"
    CONNECT_NOT_SHOWN = "connect_not_shown"
    ORDER_NOT_SANE = "order_not_sane"


@dataclass(frozen=True, slots=True)
class ReviewReason:
    code: ReasonCode
    message: str
    details: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, code: ReasonCode, message: str, **details: object) -> ReviewReason:
        return cls(code, message, tuple((k, str(v)) for k, v in details.items()))

    def detail(self, name: str) -> str | None:
        return dict(self.details).get(name)
