from __future__ import annotations

from datetime import datetime

from application.commands import CancelOrder
from application.connect_processing import earlier_delivery
from application.order_lock import holding_order
from application.ports import (
    AccountingPort,
    Clock,
    ExpiringLock,
    Gateways,
    SaleRecord,
    UnitOfWork,
)
from application.write_ahead import CREATING_DOCUMENT
from domain.inbox import InboxItem
from domain.review import ReasonCode, ReviewReason


def cancel_order(
    cmd: CancelOrder,
    uow: UnitOfWork,
    gateways: Gateways,
    clock: Clock,
    order_lock: ExpiringLock | None = None,
) -> None:
    """ORDER_DELETED: void a draft document; an approved/posted one is flagged for review."""
    with holding_order(order_lock, cmd.channel_id, cmd.order_id, clock):
        _cancel(cmd, uow, gateways, clock, lock_row=order_lock is None)


def _cancel(cmd: CancelOrder, uow: UnitOfWork, gateways: Gateways, clock: Clock,
            lock_row: bool) -> None:
    with uow:
        item = uow.inbox.get(cmd.channel_id, cmd.order_id, for_update=lock_row)
        if item is None or item.is_cancelled:
            return
        now = clock.now()
        to_connect = _connect_may_have_it(item)
        attempted = to_connect or any(  # a REST write-ahead record, answered or not
            step.name == CREATING_DOCUMENT for step in item.steps)
        accounting = gateways.paytraq_rest(cmd.channel_id)
        sale = None if accounting is None else _paytraq_document(item, accounting, attempted)
        if sale is None and to_connect:  # its Sales Inbox may still make the document
            item.needs_review([ReviewReason.of(
                ReasonCode.DELETED_AFTER_FINALISED,
                "the order was deleted in Mozello after it was sent to PayTraq Connect: look in "
                "PayTraq → Sales → Sales Inbox (Pārdošanas iesūtne) for reference "
                f"{item.order_id} and void its document there if one was made")], now)
        else:
            _settle_deleted_order(item, sale, accounting, now)
        uow.commit()


def _connect_may_have_it(item: InboxItem) -> bool:
    """Sent to PayTraq Connect, or an attempt nobody has closed since (not sent, or a person
    found it not delivered): PayTraq's Sales Inbox makes its document when it gets to it."""
    return item.sent_at is not None or earlier_delivery(item.steps) is not None


def _paytraq_document(item: InboxItem, accounting: AccountingPort,
                      attempted: bool) -> SaleRecord | None:
    """The order's PayTraq document, if there can be one (write-ahead records say whether an
    attempt was ever made)."""
    if item.document is not None:
        return accounting.get_sale(item.document.id)
    if attempted:
        return accounting.find_sale_by_ref(item.order_id, item.order.created_at.date())
    return None


def _settle_deleted_order(item: InboxItem, sale: SaleRecord | None, accounting: AccountingPort,
                          now: datetime) -> None:
    """A deleted order: cancelled (its unpaid Draft voided), or held for a person when money or a
    finalised document is already in PayTraq."""
    if sale is not None and sale.is_draft and item.payment is not None:
        item.needs_review(
            [
                ReviewReason.of(
                    ReasonCode.DELETED_AFTER_PAYMENT,
                    f"the order was deleted in Mozello, but its payment of "
                    f"{item.payment.amount} is already booked in PayTraq (document {sale.id}):"
                    " refund or reassign the money, then void the document",
                    document_id=sale.id,
                )
            ],
            now,
        )
    elif sale is not None and not sale.is_draft and not sale.is_voided:
        item.needs_review(
            [
                ReviewReason.of(
                    ReasonCode.DELETED_AFTER_FINALISED,
                    f"the order was deleted in Mozello, but PayTraq document {sale.id} is "
                    f"already {sale.status}: cancel it in PayTraq (e.g. a credit note) if "
                    "the sale is really off",
                    document_id=sale.id,
                    status=sale.status,
                )
            ],
            now,
        )
    else:
        if sale is not None and sale.is_draft:
            accounting.void_sale(sale.id)
        item.cancel(now)
