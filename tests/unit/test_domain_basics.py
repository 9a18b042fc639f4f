"""Money, the stock formula and the inbox state machine."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.inbox import (
    DocumentRecord,
    IllegalInboxTransition,
    InboxItem,
    InboxStatus,
    PaymentRecord,
)
from domain.money import FloatAmountRefused, round2, to_decimal
from domain.review import ReasonCode, ReviewReason
from domain.stock import StockLevel, reserved_by_sku, stock_levels
from tests.unit.builders import order

T0 = datetime(2026, 1, 1, tzinfo=UTC)
D = Decimal


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


# --- money -------------------------------------------------------------------------------


def test_floats_are_refused_as_amounts():
    with pytest.raises(FloatAmountRefused):
        to_decimal(0.1)


def test_rounding_is_half_up_to_cents_like_paytraq():
    assert round2(D("2.345")) == D("2.35")
    assert round2(D("2.3449")) == D("2.34")
    assert round2(D("-2.345")) == D("-2.35")
    assert round2("0.005") == D("0.01")



# --- stock -------------------------------------------------------------------------------


def test_available_is_stock_minus_approved_orders():
    assert StockLevel("A", D("12.00"), D("5.00")).available == 7


def test_available_is_floored_at_zero_when_orders_exceed_stock():
    assert StockLevel("A", D("2.00"), D("5.00")).available == 0
    assert StockLevel("A", D("-3.00")).available == 0


def test_fractions_of_a_unit_are_not_offered():
    assert StockLevel("A", D("3.75"), D("0.50")).available == 3


def test_reserved_quantities_are_summed_per_sku():
    reserved = reserved_by_sku([("A", D("1")), ("B", D("2")), ("A", D("3")), ("", D("9"))])
    assert reserved == {"A": D("4"), "B": D("2")}
    levels = stock_levels({"A": D("10"), "C": D("1")}, reserved)
    assert levels["A"].available == 6 and levels["C"].available == 1


# --- inbox state machine -------------------------------------------------------------------


def new_item() -> InboxItem:
    return InboxItem("shop", "M-1", order(order_id="M-1"), received_at=T0)


def document() -> DocumentRecord:
    return DocumentRecord("77", "M-1", "sales_order", "draft", D("24.20"))


def test_an_item_walks_received_created_approved_paid_emailed_with_every_step_recorded():
    item = new_item()
    item.document_created(document(), at(1))
    item.document_finalised("in_process", at(2))
    item.payment_added(PaymentRecord(D("24.20"), "5001", True, at(3), "p1"))
    item.emailed("anna@example.com", "paytraq", at(4))
    assert item.status is InboxStatus.EMAILED
    assert [s.name for s in item.steps] == [
        "document_created", "document_finalised", "overpayment_added", "emailed"
    ]
    assert item.steps[0].detail["document_id"] == "77"
    assert item.steps[2].at == at(3)


def test_approving_before_a_document_exists_is_illegal():
    with pytest.raises(IllegalInboxTransition):
        new_item().document_finalised("in_process", at(1))


def test_paying_or_emailing_without_a_document_is_illegal():
    with pytest.raises(IllegalInboxTransition):
        new_item().payment_added(PaymentRecord(D("1"), "5001", False, at(1)))
    with pytest.raises(IllegalInboxTransition):
        new_item().emailed("a@b.lv", "paytraq", at(1))


def test_a_cancelled_item_accepts_no_further_step():
    item = new_item()
    item.cancel(at(1))
    with pytest.raises(IllegalInboxTransition):
        item.document_created(document(), at(2))
    with pytest.raises(IllegalInboxTransition):
        item.failed("boom", at(2))


def test_review_and_failure_return_to_the_progress_reached():
    item = new_item()
    item.document_created(document(), at(1))
    reason = ReviewReason.of(ReasonCode.TOTALS_MISMATCH, "differs")
    item.needs_review([reason], at(2))
    assert item.status is InboxStatus.NEEDS_REVIEW and item.reasons == [reason]
    item.reconciled(D("24.20"), D("24.20"), at(3))
    assert item.status is InboxStatus.DOCUMENT_CREATED and item.reasons == []
    item.failed("timeout", at(4))
    item.retry(at(5))
    assert item.status is InboxStatus.DOCUMENT_CREATED and item.attempts == 1


def test_repeating_a_recorded_step_changes_nothing():
    item = new_item()
    item.document_created(document(), at(1))
    item.document_created(DocumentRecord("78", "M-1", "sales_order"), at(2))
    assert item.document.id == "77" and len(item.steps) == 1


def test_a_snapshot_of_another_order_is_refused():
    with pytest.raises(ValueError):
        new_item().record_snapshot(order(order_id="M-2"), at(1))
