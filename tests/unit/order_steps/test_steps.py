"""Each order step on its own: given an OrderRun, what the step does to PayTraq and the item,
and whether the run goes on."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from application.order_steps.document import ensure_document
from application.order_steps.email import send_email
from application.order_steps.finalise import finalise_document
from application.order_steps.payment import add_payment
from application.order_steps.pipeline import ORDER_STEPS, run_order_steps
from application.order_steps.totals import reconcile_totals
from application.order_steps.voided import stop_when_voided
from application.write_ahead import CREATING_DOCUMENT
from domain.inbox import InboxStatus
from domain.review import ReasonCode
from domain.sale_status import SaleStatus
from tests.unit.builders import order
from tests.unit.order_steps.conftest import make_run


def documented(run):
    assert ensure_document(run)
    return run


def test_ensure_document_creates_one_draft_keyed_by_the_order_id(run):
    # When the step runs twice for the same order
    assert ensure_document(run)
    assert ensure_document(run)
    # Then PayTraq holds one draft whose DocumentRef is the Mozello order id
    sales = [s for s in run.accounting.sales.values()]
    assert len(sales) == 1 and sales[0].document.document_ref == run.order.order_id
    assert run.sale.status == SaleStatus.DRAFT and run.item.status is InboxStatus.DOCUMENT_CREATED


def test_ensure_document_adopts_the_document_of_an_attempt_whose_answer_was_lost(run):
    # Given an earlier attempt wrote down that it was creating the document, and PayTraq has
    # the document (the attempt's answer was lost before it was recorded)
    first = make_run(order())
    ensure_document(first)
    run.accounting = first.accounting
    run.declare(CREATING_DOCUMENT, ref=run.order.order_id)
    # When the step runs
    assert ensure_document(run)
    # Then it adopts that document instead of making a second
    assert len(run.accounting.sales) == 1 and run.item.document.adopted


def test_ensure_document_holds_an_order_without_a_buyer_name():
    # Given an order without a buyer name
    nameless = order()
    nameless = replace(nameless, customer=replace(nameless.customer, name="", company=""))
    run = make_run(nameless)
    # Then the run stops, the item waits for a person, and PayTraq is untouched
    assert not ensure_document(run)
    assert run.item.status is InboxStatus.NEEDS_REVIEW and run.accounting.sales == {}


def test_a_voided_document_stops_the_run_for_a_person(run):
    documented(run)
    run.accounting.void_sale(run.sale.id)
    run.sale = run.accounting.get_sale(run.sale.id)
    assert not stop_when_voided(run)
    assert run.item.reasons[0].code is ReasonCode.DOCUMENT_VOIDED


def test_reconcile_totals_goes_on_when_paytraq_agrees(run):
    documented(run)
    assert reconcile_totals(run)
    assert run.item.paytraq_total == run.order.total


def test_reconcile_totals_holds_the_draft_when_the_totals_differ(run):
    documented(run)
    run.sale = replace(run.sale, total=run.sale.total + Decimal("1.00"))
    assert not reconcile_totals(run)
    assert run.item.reasons[0].code is ReasonCode.TOTALS_MISMATCH


def test_finalise_approves_a_sales_order_into_process(run):
    documented(run)
    assert finalise_document(run)
    assert run.sale.status == SaleStatus.IN_PROCESS
    assert run.accounting.get_sale(run.sale.id).status == SaleStatus.IN_PROCESS
    assert run.item.is_finalised


def test_finalise_leaves_the_draft_when_the_channel_does_not_approve():
    run = documented(make_run(approve=False))
    assert finalise_document(run)
    assert run.sale.is_draft and not run.item.is_finalised


def test_add_payment_books_a_sales_orders_payment_as_an_overpayment_once(run):
    documented(run)
    finalise_document(run)
    assert add_payment(run)
    assert add_payment(run)  # owed no more: nothing is booked twice
    assert run.item.payment.overpayment
    assert run.accounting.client_advance(run.sale.client_id) == run.order.total


def test_add_payment_notes_an_unmapped_method_and_goes_on():
    run = documented(make_run(order(method="cash"), add_payment=True))
    assert add_payment(run)
    assert run.item.payment is None
    assert run.problems[0].code is ReasonCode.UNMAPPED_PAYMENT_METHOD


def test_send_email_sends_the_final_document_once(run):
    documented(run)
    finalise_document(run)
    assert send_email(run)
    assert send_email(run)
    assert run.item.emailed_to == run.order.customer.email
    assert len(run.accounting.sales[run.sale.id].emailed_to) == 1


def test_the_pipeline_takes_an_order_all_the_way_and_clears_review(run):
    run_order_steps(run)
    assert run.item.status is InboxStatus.EMAILED and run.item.reasons == []


def test_a_step_that_stops_the_run_ends_it():
    calls = []
    run = make_run()
    run_order_steps(run, [lambda r: calls.append("first") or False, lambda r: calls.append("x")])
    assert calls == ["first"]


def test_the_steps_run_in_the_documented_order():
    assert [step.__name__ for step in ORDER_STEPS] == [
        "check_order_sanity", "ensure_document", "stop_when_voided", "reconcile_totals", "finalise_document",
        "add_payment", "send_email"]
