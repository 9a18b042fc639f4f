"""The rules the processor, the sweeper and the sync share, each decided in one place: where
approving or posting takes a PayTraq document, what an inbox item still owes, and what keeps
a channel's stock sync from running."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from domain.inbox import DocumentRecord, InboxItem, Owed, PaymentRecord
from domain.sale_status import SaleStatus, is_posted_type, status_when_finalised
from domain.settings import ChannelSettings, StockSyncSettings
from tests.unit.builders import order

T0 = datetime(2026, 1, 1, tzinfo=UTC)
EVERYTHING = ChannelSettings(auto_process=True, approve=True, add_payment=True, send_email=True)


def item_with_document(paid: bool = True) -> InboxItem:
    item = InboxItem("shop", "M-1", order("M-1", paid=paid), T0)
    item.document_created(DocumentRecord("7", "M-1", "sales_order"), T0)
    return item


def test_invoices_and_receipts_are_posted_and_then_wait_for_payment():
    assert is_posted_type("sales_invoice") and is_posted_type("sales_receipt")
    assert status_when_finalised("sales_invoice") is SaleStatus.WAIT_PAYMENT


def test_orders_are_approved_into_process_and_pro_formas_into_waiting_for_payment():
    assert not is_posted_type("sales_order")
    assert status_when_finalised("sales_order") is SaleStatus.IN_PROCESS
    assert status_when_finalised("sales_proforma") is SaleStatus.WAIT_PAYMENT


def test_a_fresh_document_owes_approval_and_payment_but_no_email_before_it_is_final():
    # Given a paid order's new draft on a channel that does everything
    item = item_with_document()
    # Then it owes the approval and the payment; the e-mail waits for the final document
    assert item.owes(EVERYTHING) == Owed(finalise=True, payment=True, email=False)


def test_an_unpaid_order_owes_no_payment_yet():
    assert not item_with_document(paid=False).owes(EVERYTHING).payment


def test_a_finished_item_owes_nothing_and_the_sweeper_leaves_it_alone():
    # Given an item approved, paid and e-mailed
    item = item_with_document()
    item.document_finalised("in_process", T0)
    item.payment_added(PaymentRecord(Decimal("10.00"), "5001", True, T0))
    item.emailed("buyer@example.lv", "paytraq", T0)
    # Then nothing is owed, and the sweeper agrees
    assert not item.owes(EVERYTHING)
    assert not item.awaits_work(EVERYTHING)


def test_syncing_prices_needs_a_price_group():
    assert StockSyncSettings(sync_prices=True).problems() == [
        "'sync prices' is on but no PayTraq price group is chosen"]
    assert StockSyncSettings(sync_prices=True, price_group_id="1476").problems() == []


def test_a_stock_sync_needs_the_channels_warehouse():
    problems = ChannelSettings().stock_sync_problems()
    assert problems == ["choose the channel's PayTraq warehouse before syncing stock"]
