"""Every combination of the seed's four switches × document type × totals × payment status ×
payment mapping gives the PayTraq state and inbox status the seed describes.

The expected outcome is written out independently below (`expected`), from the seed text:
automatic processing creates the document (by default once the order is paid); Approve/Post
approves orders and proformas, posts invoices and receipts; Add payment books the payment to the
mapped money account, as an overpayment for a sales order; Send by e-mail sends the final
document; a totals mismatch keeps the document Draft with no payment (and no e-mail).
"""

import itertools
from dataclasses import dataclass
from decimal import Decimal

import pytest

from domain.settings import DocumentType
from tests.unit.builders import order, pipeline, settings

APPROVED_STATUS = {
    DocumentType.SALES_ORDER: "in_process",
    DocumentType.SALES_PROFORMA: "wait_payment",
    DocumentType.SALES_INVOICE: "wait_payment",
    DocumentType.SALES_RECEIPT: "wait_payment",
}


@dataclass(frozen=True)
class Case:
    auto: bool
    approve: bool
    add_payment: bool
    send_email: bool
    doc_type: DocumentType
    totals_match: bool
    paid: bool
    mapped: bool


@dataclass(frozen=True)
class Outcome:
    sales: int
    status: str | None
    payments: int
    overpayments: int
    emails: int
    inbox: str
    reasons: tuple[str, ...] = ()


def expected(case: Case) -> Outcome:
    if not case.auto or not case.paid:
        return Outcome(0, None, 0, 0, 0, "received")
    if not case.totals_match:
        return Outcome(1, "draft", 0, 0, 0, "needs_review", ("totals_mismatch",))
    status = APPROVED_STATUS[case.doc_type] if case.approve else "draft"
    reasons: list[str] = []
    payments = overpayments = 0
    if case.add_payment:
        if not case.mapped:
            reasons.append("unmapped_payment_method")
        elif case.doc_type is DocumentType.SALES_ORDER:
            overpayments = 1
        elif status == "draft":
            reasons.append("payment_needs_final_document")
        else:
            payments = 1
            status = "paid"
    emails = 1 if case.send_email and status != "draft" else 0
    if reasons:
        inbox = "needs_review"
    elif emails:
        inbox = "emailed"
    elif payments or overpayments:
        inbox = "paid"
    elif status != "draft":
        inbox = "approved"
    else:
        inbox = "document_created"
    return Outcome(1, status, payments, overpayments, emails, inbox, tuple(reasons))


CASES = [
    Case(*combo)
    for combo in itertools.product(
        [True, False], [True, False], [True, False], [True, False],
        list(DocumentType), [True, False], [True, False], [True, False],
    )
]


def observed(case: Case) -> Outcome:
    flow = pipeline(
        settings(
            auto_process=case.auto,
            approve=case.approve,
            add_payment=case.add_payment,
            send_email=case.send_email,
            document_type=case.doc_type,
        )
    )
    # Given an order whose Mozello total matches PayTraq's computation, or is 0.05 off
    total = "24.20" if case.totals_match else "24.25"
    snapshot = order(total=total, paid=case.paid, method="gateway" if case.mapped else "paypal")
    # When Mozello notifies it
    flow.receive(snapshot, event="PAYMENT_CHANGED" if case.paid else "ORDER_CREATED")
    # Then PayTraq and the inbox are as the seed says
    sales = flow.sales()
    item = flow.item()
    return Outcome(
        len(sales),
        sales[0].status if sales else None,
        sum(len(s.payments) for s in sales),
        len(flow.accounting.overpayments),
        sum(len(s.emailed_to) for s in sales),
        item.status.value,
        tuple(r.code.value for r in item.reasons),
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(
    f"{k}={v.value if hasattr(v, 'value') else int(v)}" for k, v in c.__dict__.items()))
def test_seed_rule(case: Case):
    assert observed(case) == expected(case)


def test_the_table_covers_every_combination():
    assert len(CASES) == 2**4 * len(DocumentType) * 2 * 2 * 2


def test_payment_amount_is_the_mozello_total_on_the_mapped_account():
    flow = pipeline(settings(approve=True, add_payment=True, document_type=DocumentType.SALES_INVOICE))
    flow.receive(order(total="24.20"))
    (sale,) = flow.sales()
    (payment,) = sale.payments
    assert payment.amount == Decimal("24.20")
    assert payment.money_account_id == "5001"
    assert flow.item().payment.overpayment is False


def test_order_type_payment_is_booked_as_overpayment():
    flow = pipeline(settings(approve=True, add_payment=True, document_type=DocumentType.SALES_ORDER))
    flow.receive(order(total="24.20"))
    (sale,) = flow.sales()
    # Then the order itself stays unpaid and the client has an advance of the order's total
    assert sale.payments == []
    assert flow.accounting.client_advance(sale.document.client_id) == Decimal("24.20")
    assert flow.item().payment.overpayment is True
