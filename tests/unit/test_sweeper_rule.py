"""Which orders the sweeper re-enqueues: those automatic processing still owes a step after a
dead worker left them half-way — and never those waiting for a person."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.inbox import DocumentRecord, InboxItem, PaymentRecord
from domain.review import ReasonCode, ReviewReason
from tests.unit.builders import order, settings

T0 = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
ALL_ON = settings(auto_process=True, approve=True, add_payment=True, send_email=True)


def item(paid: bool = True, upto: str = "received") -> InboxItem:
    """An item that got as far as `upto`: received, document, finalised, paid, emailed."""
    entry = InboxItem("shop-1", "M-1234567-101", order(paid=paid), T0)
    steps = ["document", "finalised", "paid", "emailed"]
    reached = steps[: steps.index(upto) + 1] if upto in steps else []
    at = T0
    for step in reached:
        at += timedelta(minutes=1)
        if step == "document":
            entry.document_created(DocumentRecord("S-1", "M-1234567-101", "sales_order"), at)
        elif step == "finalised":
            entry.document_finalised("in_process", at)
        elif step == "paid":
            entry.payment_added(PaymentRecord(Decimal("24.20"), "5001", True, at))
        else:
            entry.emailed("anna@example.com", "paytraq", at)
    return entry


@pytest.mark.parametrize(("upto", "owed"), [
    ("received", True),  # a paid order not yet booked
    ("document", True),  # to approve
    ("finalised", True),  # to pay
    ("paid", True),  # to e-mail
    ("emailed", False),  # done
])
def test_with_every_step_on_an_order_is_owed_work_until_it_is_emailed(upto, owed):
    assert item(upto=upto).awaits_work(ALL_ON) is owed


def test_an_unpaid_order_is_not_owed_a_document_while_the_trigger_is_paid():
    assert item(paid=False).awaits_work(ALL_ON) is False


def test_with_automatic_processing_off_nothing_is_owed():
    assert item(upto="document").awaits_work(settings(auto_process=False, approve=True)) is False


@pytest.mark.parametrize(("switches", "upto", "owed"), [
    ({"approve": False, "add_payment": False, "send_email": False}, "document", False),
    ({"approve": True, "add_payment": False, "send_email": False}, "finalised", False),
    ({"approve": False, "add_payment": True, "send_email": False}, "document", True),
    ({"approve": False, "add_payment": False, "send_email": True}, "finalised", True),
    ({"approve": False, "add_payment": False, "send_email": True}, "document", False),
])
def test_only_the_steps_the_channel_switches_on_are_owed(switches, upto, owed):
    assert item(upto=upto).awaits_work(settings(auto_process=True, **switches)) is owed


def test_an_unpaid_order_with_a_document_is_not_owed_a_payment():
    channel = settings(auto_process=True, approve=False, add_payment=True, send_email=False,
                       trigger_overrides=(("gateway", "received"),))
    assert item(paid=False, upto="document").awaits_work(channel) is False


def test_an_order_waiting_for_review_or_cancelled_is_left_to_a_person():
    waiting = item(upto="document")
    waiting.needs_review([ReviewReason.of(ReasonCode.TOTALS_MISMATCH, "off")], T0 + timedelta(hours=1))
    assert waiting.awaits_work(ALL_ON) is False
    cancelled = item()
    cancelled.cancel(T0 + timedelta(hours=1))
    assert cancelled.awaits_work(ALL_ON) is False


def test_a_failed_order_is_owed_a_retry_only_when_the_failure_was_transient():
    transient, permanent = item(upto="document"), item(upto="document")
    transient.failed("PayTraq did not answer", T0 + timedelta(hours=1), transient=True)
    permanent.failed("Item 1 not found", T0 + timedelta(hours=1))
    assert transient.awaits_work(ALL_ON) is True
    assert permanent.awaits_work(ALL_ON) is False
