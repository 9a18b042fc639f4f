"""An inbox item's history: late Mozello snapshots never undo a payment or a dispatch, the same
review reason is recorded once, and clearing a review returns the item to its progress."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain.inbox import DocumentRecord, InboxItem, InboxStatus
from domain.orders import PaymentStatus
from domain.review import ReasonCode, ReviewReason
from tests.unit.builders import order

T0 = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)
OFF = ReviewReason.of(ReasonCode.TOTALS_MISMATCH, "totals differ")


def received(**changes) -> InboxItem:
    return InboxItem("shop-1", "M-1234567-101", replace(order(paid=False), **changes), T0)


def test_a_late_unpaid_snapshot_does_not_undo_a_payment_but_other_news_is_kept():
    # Given an item that Mozello already reported paid
    entry = received(payment_status=PaymentStatus.PAID)
    # When an older snapshot (pending) arrives that also says the order was dispatched
    late = replace(order(paid=False), dispatched=True)
    assert entry.record_snapshot(late, LATER) is True
    # Then the payment stays and the dispatch is taken, with a step recording the snapshot
    assert entry.order.is_paid and entry.order.dispatched
    assert [(s.name, s.detail) for s in entry.steps] == [
        ("snapshot", {"payment_status": "paid", "was": "paid"})]


def test_a_late_snapshot_does_not_undo_a_dispatch_nor_an_archiving():
    entry = received(dispatched=True, archived=True)
    assert entry.record_snapshot(replace(order(paid=True)), LATER) is True
    assert (entry.order.dispatched, entry.order.archived, entry.order.is_paid) == (True, True, True)


def test_an_unpaid_item_takes_a_pending_snapshot_as_it_is():
    entry = received()
    assert entry.record_snapshot(order(paid=False), LATER) is False
    assert entry.steps == [] and not entry.order.is_paid
    assert entry.record_snapshot(replace(order(paid=False), archived=True), LATER) is True
    assert entry.order.archived and not entry.order.dispatched


def test_the_same_review_reason_twice_is_recorded_once_a_new_one_again():
    entry = received()
    entry.needs_review([OFF], T0)
    entry.needs_review([OFF], LATER)
    assert [s.name for s in entry.steps] == ["needs_review"]
    other = ReviewReason.of(ReasonCode.UNKNOWN_SKU, "no such SKU")
    entry.needs_review([other], LATER)
    assert [s.name for s in entry.steps] == ["needs_review", "needs_review"]
    assert entry.reasons == [other]


def test_clearing_a_review_returns_the_item_to_the_furthest_milestone():
    entry = received()
    entry.document_created(DocumentRecord("S-1", "M-1234567-101", "sales_order"), T0)
    entry.needs_review([OFF], LATER)
    entry.clear_review(LATER + timedelta(minutes=1))
    assert entry.status is InboxStatus.DOCUMENT_CREATED and entry.reasons == []
    assert entry.steps[-1].name == "review_cleared"
    # and clearing an item not in review changes nothing
    entry.clear_review(LATER + timedelta(minutes=2))
    assert entry.steps[-1].name == "review_cleared" and len(entry.steps) == 3
