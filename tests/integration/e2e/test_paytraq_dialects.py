"""The whole service against a PayTraq that takes exactly one shape of each write (DECISIONS
R1–R4): the order goes through, the shape is remembered for the channel, and a lost answer ends
in exactly one effect or a review item — never two."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from adapters.paytraq.sandbox.dialect import WireDialect
from application.ports import WriteDialect
from domain.settings import DocumentType

DIALECTS = {
    "data_root_date_paid": (WireDialect.strict("Data", "DatePaid", "Amount"),
                            WriteDialect("Data", "date_paid")),
    "sale_root_payment_amount": (WireDialect.strict("Sale", "PaymentDate", "PaymentAmount"),
                                 WriteDialect("Sale", "payment_amount")),
    # refusing the other root with a bare "Bad request" that names nothing
    "vague_data_root": (replace(WireDialect.strict("Data", "DatePaid", "Amount"),
                                vague_shape_refusals=True), WriteDialect("Data", "date_paid")),
}


@pytest.fixture(params=sorted(DIALECTS))
def expected(request, service) -> WriteDialect:
    dialect, learned = DIALECTS[request.param]
    service.paytraq.state.dialect = dialect
    return learned


def booked(service, sale) -> list:
    return [p for p in service.paytraq.state.payments.values() if p.sale_id == sale.id]


def test_an_order_goes_through_and_the_working_shapes_are_remembered(service, expected):
    # Given an invoice channel and a PayTraq that takes one shape of each write
    service.configure(document_type=DocumentType.SALES_INVOICE)
    # When a paid order arrives
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    # Then it is one paid invoice, and the channel remembers the shapes that worked
    (sale,) = service.sales(order["order_id"])
    assert sale.status == "paid" and len(booked(service, sale)) == 1
    assert service.runtime.gateways.write_dialect(service.channel_id) == expected


def test_a_lost_answer_to_an_invoice_payment_ends_in_exactly_one_payment(service, expected):
    # Given an invoice channel, and PayTraq losing the answer to the payment it books
    service.configure(document_type=DocumentType.SALES_INVOICE)
    service.paytraq.controls.inject("POST", r"sale/\d+/payment", "drop_after_write", how="500",
                                    times=3)
    # When a paid order arrives and the workers retry
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    # Then the invoice is paid once: the retry read the document's payments and saw it booked
    (sale,) = service.sales(order["order_id"])
    assert sale.status == "paid" and len(booked(service, sale)) == 1
    assert service.item(order["order_id"]).payment is not None


def test_a_lost_answer_to_an_overpayment_goes_to_review_and_is_never_booked_twice(service, expected):
    # Given the sales-order channel, and PayTraq losing the answer to the advance it books
    service.paytraq.controls.inject("POST", r"sale/\d+/payment", "drop_after_write", how="500",
                                    times=3)
    # When a paid order arrives and the workers retry
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    # Then one advance exists, and the order waits for a person with the precise reason
    (sale,) = service.sales(order["order_id"])
    payments = [p for p in service.paytraq.state.payments.values() if p.sale_id == sale.id]
    assert [p.amount for p in payments] == [Decimal(str(order["total"]))]
    item = service.item(order["order_id"])
    assert item.status.value == "needs_review"
    assert [r.code.value for r in item.reasons] == ["payment_uncertain"]
    assert "may have been booked" in item.reasons[0].message
