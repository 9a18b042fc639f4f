"""Write-ahead records: a PayTraq look-up only after an attempt whose answer was lost, and a
payment never booked twice by doubt — a person decides where PayTraq cannot tell."""

from datetime import UTC, datetime

import pytest

from adapters.memory.accounting import refused_unsent, transient
from application.commands import AnswerPaymentCheck
from application.errors import TransientError
from application.ports import SalePayment
from application.write_ahead import (
    ADDING_PAYMENT,
    CREATING_DOCUMENT,
    SENDING_TO_CONNECT,
    last_attempt,
)
from domain.inbox import Step
from domain.settings import DocumentType
from tests.unit.builders import order, pipeline, settings

ALL_ON = dict(approve=True, add_payment=True, send_email=True)
ORDER_ID = "M-1234567-101"


def test_a_fresh_order_is_created_without_looking_for_an_existing_document_first():
    # Given a channel that processes paid orders
    flow = pipeline(settings(**ALL_ON))
    # When a paid order arrives
    flow.receive(order(paid=True))
    # Then the document was created without a search by DocumentRef, and nothing was looked up
    assert "find_sale_by_ref" not in flow.accounting.calls
    assert "find_payment" not in flow.accounting.calls
    assert flow.item().status.value == "emailed"


def test_a_document_whose_answer_was_lost_is_looked_up_on_the_retry_and_adopted():
    # Given PayTraq creates the sale but its answer is lost
    flow = pipeline(settings(**ALL_ON))
    flow.accounting.fail("create_sale", transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    # When the worker retries
    flow.process(ORDER_ID, manual=False)
    # Then it looked for the document (the attempt was written down) and adopted the one sale
    assert flow.accounting.calls.count("find_sale_by_ref") == 1
    assert len(flow.sales()) == 1 and flow.item().document.adopted is True


def test_an_invoice_payment_lost_before_booking_is_booked_once_on_the_retry():
    # Given an invoice whose payment PayTraq refuses to answer before booking it
    flow = pipeline(settings(document_type=DocumentType.SALES_INVOICE, **ALL_ON))
    flow.accounting.fail("add_payment", transient())
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    # When the worker retries
    flow.process(ORDER_ID, manual=False)
    # Then the document showed no new payment and the same amount due: booked exactly once
    (sale,) = flow.sales()
    assert len(sale.payments) == 1 and sale.status == "paid"
    assert flow.item().status.value == "emailed"


def test_an_invoice_payment_lost_after_booking_is_recognised_from_the_documents_payments():
    # Given an invoice whose payment is booked but the answer lost; comments are not shown (R3)
    flow = pipeline(settings(document_type=DocumentType.SALES_INVOICE, **ALL_ON))
    flow.accounting.fail("add_payment", transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    (booked,) = flow.sales()
    booked.payments[0] = SalePayment(booked.payments[0].amount)  # no Comment, as real PayTraq
    # When the worker retries
    flow.process(ORDER_ID, manual=False)
    # Then the new payment row of our amount was taken as ours: one payment, nothing asked twice
    (sale,) = flow.sales()
    assert len(sale.payments) == 1
    assert "find_payment" not in flow.accounting.calls
    assert flow.item().status.value == "emailed"


def test_an_overpayment_whose_answer_was_lost_goes_to_review_and_is_never_booked_twice():
    # Given a sales order whose payment PayTraq books as an advance it cannot show again
    flow = pipeline(settings(document_type=DocumentType.SALES_ORDER, **ALL_ON))
    flow.accounting.overpayments_visible = False
    flow.accounting.fail("add_payment", transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    # When the worker retries, twice
    flow.process(ORDER_ID, manual=False)
    flow.process(ORDER_ID, manual=True)
    # Then there is one advance, and the item waits for a person with a precise reason
    assert len(flow.accounting.overpayments) == 1
    item = flow.item()
    assert item.status.value == "needs_review"
    (reason,) = [r for r in item.reasons if r.code.value == "payment_uncertain"]
    assert "payment of 24.20 EUR" in reason.message and "may have been booked" in reason.message
    assert "overpayments" in reason.message and "--booked" in reason.message


@pytest.mark.parametrize("booked", [True, False])
def test_a_persons_answer_about_an_uncertain_payment_settles_it(booked):
    # Given an uncertain overpayment waiting for review (in truth booked, or not)
    flow = pipeline(settings(document_type=DocumentType.SALES_ORDER, **ALL_ON))
    flow.accounting.overpayments_visible = False
    flow.accounting.fail("add_payment", transient(), after_write=booked)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    flow.process(ORDER_ID, manual=False)
    # When a person answers "booked" (it was there) or "not booked" (it was not), and it runs again
    flow.bus().handle(AnswerPaymentCheck(flow.channel_id, ORDER_ID, booked=booked))
    flow.process(ORDER_ID)
    # Then the payment is recorded as booked, or booked now: one advance, nothing left to review
    assert len(flow.accounting.overpayments) == 1
    item = flow.item()
    assert item.payment is not None and item.reasons == []
    assert item.status.value == "paid" and item.emailed_at is not None


def test_an_overpayment_paytraq_refused_before_booking_is_booked_on_the_retry_without_asking():
    # Given a sales order whose payment PayTraq refused before acting (it asked to wait)
    flow = pipeline(settings(document_type=DocumentType.SALES_ORDER, **ALL_ON))
    flow.accounting.overpayments_visible = False
    flow.accounting.fail("add_payment", refused_unsent())
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    # When the worker retries
    flow.process(ORDER_ID, manual=False)
    # Then the advance is booked once, nothing was looked up and no person was asked
    assert len(flow.accounting.overpayments) == 1
    assert "find_payment" not in flow.accounting.calls
    item = flow.item()
    assert item.status.value == "emailed" and item.reasons == []
    assert [s.detail for s in item.steps if s.name == "write_not_sent"] == [
        {"intent": "adding_payment", "error": "TransientError"}]


def test_a_document_paytraq_refused_before_creating_is_created_on_the_retry_without_a_look_up():
    # Given a sale PayTraq refused before acting
    flow = pipeline(settings(**ALL_ON))
    flow.accounting.fail("create_sale", refused_unsent())
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    # When the worker retries
    flow.process(ORDER_ID, manual=False)
    # Then the document is created once, without a search by DocumentRef
    assert "find_sale_by_ref" not in flow.accounting.calls
    assert len(flow.sales()) == 1 and flow.item().document.adopted is False


def test_a_write_that_may_have_happened_is_still_looked_up_whatever_failed_after_it():
    # Given a sale PayTraq created whose answer was lost (the adapter cannot say "not sent")
    flow = pipeline(settings(**ALL_ON))
    flow.accounting.fail("create_sale", transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    # Then no step closed the attempt, and the retry looks before it writes
    assert not [s for s in flow.item().steps if s.name == "write_not_sent"]
    flow.process(ORDER_ID, manual=False)
    assert flow.accounting.calls.count("find_sale_by_ref") == 1 and len(flow.sales()) == 1


def test_an_order_deleted_before_anything_was_written_is_cancelled_without_asking_paytraq():
    # Given an unpaid order waiting in the inbox (nothing sent to PayTraq)
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(paid=False), event="ORDER_CREATED")
    calls = len(flow.accounting.calls)
    # When it is deleted in Mozello
    flow.receive(order(paid=False), event="ORDER_DELETED")
    # Then it is cancelled, and PayTraq was not asked for a document
    assert flow.item().status.value == "cancelled"
    assert flow.accounting.calls[calls:] == []


# --- the last attempt and the person's answers since (one walk for every write-ahead kind) ---

def _steps(*names: str) -> list[Step]:
    return [Step(name, datetime(2026, 12, 2, 9, n, tzinfo=UTC), {"n": n})
            for n, name in enumerate(names)]


def test_the_question_names_the_attempt_and_the_answers_it_has_had():
    # Given two attempts to create a document, the second answered once
    steps = _steps(CREATING_DOCUMENT, "document_checked", CREATING_DOCUMENT, "document_checked")
    # When the last attempt is read
    last = last_attempt(steps, CREATING_DOCUMENT, "document_checked")
    # Then it is the second, with its one answer: an answer to "2.0" is now out of date
    assert (last.number, last.answers, last.question) == (2, 1, "2.1")
    assert last.step is steps[2] and last.answer is steps[3]


def test_an_answer_to_an_earlier_attempt_is_not_an_answer_to_the_next_one():
    # Given an attempt answered, then a new attempt nobody has answered
    steps = _steps(ADDING_PAYMENT, "payment_checked", ADDING_PAYMENT)
    # When the last attempt is read
    last = last_attempt(steps, ADDING_PAYMENT, "payment_checked")
    # Then the new attempt stands unanswered
    assert last.step is steps[2] and last.answer is None and last.question == "2.0"


def test_the_latest_answer_about_an_attempt_is_the_one_that_counts():
    steps = _steps(SENDING_TO_CONNECT, "connect_checked", "connect_checked")
    last = last_attempt(steps, SENDING_TO_CONNECT, "connect_checked")
    assert last.answer is steps[2] and last.question == "1.2"


def test_a_recorded_outcome_ends_the_attempt_but_keeps_the_question_count():
    # Given an attempt whose document was then recorded, and an answer after that
    steps = _steps(CREATING_DOCUMENT, "document_created", "document_checked")
    # When the last attempt is read with the settling step
    last = last_attempt(steps, CREATING_DOCUMENT, "document_checked",
                        settled=("document_created",))
    # Then no attempt is open (nothing to look up), and the question still counts the answer
    assert last.step is None and last.answer is None
    assert last.question == "1.1"


def test_no_attempt_means_nothing_to_look_up_whatever_was_answered():
    last = last_attempt(_steps("document_checked"), CREATING_DOCUMENT, "document_checked")
    assert (last.step, last.answer, last.number) == (None, None, 0)
