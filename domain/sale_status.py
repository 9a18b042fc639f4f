"""PayTraq sale documents' statuses, and the one table of where approving or posting a draft
takes each kind of document (the PayTraq API material, §7.5)."""

from __future__ import annotations

from enum import StrEnum


class SaleStatus(StrEnum):
    DRAFT = "draft"
    IN_PROCESS = "in_process"  # an approved sales order or estimate
    WAIT_PAYMENT = "wait_payment"  # a posted invoice or receipt, an approved pro-forma
    PAID = "paid"
    DONE = "done"
    VOIDED = "voided"


S = SaleStatus

# Invoices, receipts and credit notes are posted to the ledger; the other kinds are approved.
POSTED_TYPES = frozenset({"sales_invoice", "sales_receipt", "credit_note"})
REACHED_WHEN_FINALISED: dict[str, SaleStatus] = {
    "sales_order": S.IN_PROCESS,
    "sales_estimate": S.IN_PROCESS,
    "sales_proforma": S.WAIT_PAYMENT,
    "sales_invoice": S.WAIT_PAYMENT,
    "sales_receipt": S.WAIT_PAYMENT,
    "credit_note": S.WAIT_PAYMENT,
}
APPROVED_OR_LATER = frozenset({S.IN_PROCESS, S.WAIT_PAYMENT, S.PAID, S.DONE})
POSTED_OR_LATER = frozenset({S.WAIT_PAYMENT, S.PAID, S.DONE})


def is_posted_type(sale_type: str) -> bool:
    """Whether a draft of this kind is posted (else approved) to leave Draft."""
    return sale_type in POSTED_TYPES


def status_when_finalised(sale_type: str) -> SaleStatus:
    """The status a draft of this kind reaches when approved or posted."""
    return REACHED_WHEN_FINALISED.get(sale_type, S.IN_PROCESS)
