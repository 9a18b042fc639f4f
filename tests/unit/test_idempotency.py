"""Replaying any message, in any order, any number of times, leaves PayTraq as one delivery
would: exactly one document, one payment, one e-mail."""

import itertools
from dataclasses import replace

import pytest

from adapters.memory.accounting import transient
from application.errors import TransientError
from domain.orders import PaymentStatus
from domain.settings import DocumentType
from tests.unit.builders import order, pipeline, settings

ALL_ON = dict(approve=True, add_payment=True, send_email=True)
CREATED = ("ORDER_CREATED", order(paid=False))
PAID = ("PAYMENT_CHANGED", order(paid=True))
DISPATCHED = ("DISPATCH_CHANGED", replace(order(paid=True), dispatched=True, archived=True))


def summary(flow):
    sales = flow.sales()
    return (
        len(sales),
        tuple(s.status for s in sales),
        sum(len(s.payments) for s in sales) + len(flow.accounting.overpayments),
        sum(len(s.emailed_to) for s in sales),
        flow.item().status.value,
    )


@pytest.mark.parametrize("doc_type", [DocumentType.SALES_INVOICE, DocumentType.SALES_ORDER])
@pytest.mark.parametrize(
    "sequence",
    [
        [CREATED, PAID],
        [CREATED, PAID, PAID, CREATED],
        [PAID, CREATED, PAID],
        [PAID, PAID, PAID],
        [CREATED, CREATED, PAID, DISPATCHED, PAID, DISPATCHED],
        [DISPATCHED, CREATED, PAID],
    ],
)
def test_repeated_and_reordered_events_end_in_one_document_payment_and_email(doc_type, sequence):
    flow = pipeline(settings(document_type=doc_type, **ALL_ON))
    for event, snapshot in sequence:
        flow.receive(snapshot, event=event)
    sales, statuses, payments, emails, inbox = summary(flow)
    assert (sales, payments, emails, inbox) == (1, 1, 1, "emailed")


def test_every_permutation_of_created_paid_dispatched_gives_the_same_paytraq_state():
    outcomes = set()
    for sequence in itertools.permutations([CREATED, PAID, PAID, DISPATCHED]):
        flow = pipeline(settings(**ALL_ON))
        for event, snapshot in sequence:
            flow.receive(snapshot, event=event)
        outcomes.add(summary(flow))
    assert outcomes == {(1, ("in_process",), 1, 1, "emailed")}


def test_a_deleted_order_after_approval_is_flagged_not_voided():
    flow = pipeline(settings(**ALL_ON))
    for event, snapshot in [CREATED, PAID, PAID, CREATED, ("ORDER_DELETED", order(paid=True))]:
        flow.receive(snapshot, event=event)
    (sale,) = flow.sales()
    assert sale.status == "in_process"
    item = flow.item()
    assert item.status.value == "needs_review"
    assert [r.code.value for r in item.reasons] == ["deleted_after_finalised"]


def test_a_deleted_order_with_a_draft_document_voids_it_and_cancels_the_item():
    flow = pipeline(settings(approve=False))
    flow.receive(order(paid=True))
    flow.receive(order(paid=True), event="ORDER_DELETED")
    flow.receive(order(paid=True), event="ORDER_DELETED")
    (sale,) = flow.sales()
    assert sale.status == "voided"
    assert flow.item().status.value == "cancelled"


def test_a_cancelled_order_is_never_processed_again():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(paid=False), event="ORDER_CREATED")
    flow.receive(order(paid=False), event="ORDER_DELETED")
    flow.receive(order(paid=True), event="PAYMENT_CHANGED")
    assert flow.sales() == []
    assert flow.item().status.value == "cancelled"


def test_timeout_after_the_sale_was_created_adopts_it_instead_of_creating_another():
    flow = pipeline(settings(**ALL_ON))
    flow.accounting.fail("create_sale", transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    assert flow.item().status.value == "failed"
    # When the worker retries the message
    flow.process("M-1234567-101", manual=False)
    sales, _, payments, emails, inbox = summary(flow)
    assert (sales, payments, emails, inbox) == (1, 1, 1, "emailed")
    assert flow.item().document.adopted is True


def test_timeout_after_the_payment_was_booked_does_not_book_it_twice():
    flow = pipeline(settings(document_type=DocumentType.SALES_INVOICE, **ALL_ON))
    flow.accounting.fail("add_payment", transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    flow.process("M-1234567-101", manual=False)
    (sale,) = flow.sales()
    assert len(sale.payments) == 1
    assert sale.status == "paid"
    assert flow.item().status.value == "emailed"


def test_timeout_after_the_email_was_sent_does_not_send_it_twice():
    flow = pipeline(settings(**ALL_ON))
    flow.accounting.fail("send_sale", transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    flow.process("M-1234567-101", manual=False)
    (sale,) = flow.sales()
    assert sale.emailed_to == ["anna@example.com"]


def test_payment_arriving_after_the_document_exists_adds_the_payment_then():
    flow = pipeline(settings(trigger="received", **ALL_ON))
    flow.receive(order(paid=False), event="ORDER_CREATED")
    assert summary(flow)[:4] == (1, ("in_process",), 0, 1)
    flow.receive(order(paid=True), event="PAYMENT_CHANGED")
    assert summary(flow) == (1, ("in_process",), 1, 1, "paid")


def test_a_stale_order_created_replay_does_not_roll_back_a_paid_snapshot():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(paid=True))
    flow.receive(order(paid=False), event="ORDER_CREATED")
    assert flow.item().order.payment_status is PaymentStatus.PAID
