from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import structlog

from application.commands import Command, PollOrders, ReceiveOrder
from application.errors import NotFound
from application.ports import (
    POLL_EVENT,
    Clock,
    Gateways,
    RawDelivery,
    ShopOrder,
    ShopPort,
    UnitOfWork,
)
from domain.inbox import InboxStatus
from domain.orders import PaymentStatus

logger = structlog.get_logger()

WATERMARK = "orders_poll"
OVERLAP = timedelta(minutes=15)
FIRST_POLL_WINDOW = timedelta(days=1)  # a channel without a watermark: never the whole history
RECHECK_WINDOW = timedelta(days=7)  # pending orders this young are read again for their payment
RECHECK_LIMIT = 100  # at most this many re-reads a poll (Mozello: 300 calls a minute)


def poll_start(watermark: datetime | None, created_at: datetime | None,
               now: datetime) -> datetime:
    """From when to ask Mozello: the watermark less an overlap, but never before the channel
    was created (polling starts at creation; the shop's history is not imported)."""
    start = watermark - OVERLAP if watermark else (created_at or now - FIRST_POLL_WINDOW)
    return max(start, created_at) if created_at else start


def poll_orders(cmd: PollOrders, uow: UnitOfWork, gateways: Gateways, clock: Clock) -> list[Command]:
    """Feed every order created since the watermark (minus an overlap), and the recent orders
    still pending payment read again (orders have no `modified_at` to filter on, R5), that the
    inbox has not seen in that state into the normal receive path; keep the raw JSON like a
    webhook body."""
    started = clock.now()
    with uow:
        since = uow.watermarks.get(cmd.channel_id, WATERMARK)
        channel = uow.channels.get(cmd.channel_id)
        pending = _recent_pending(uow, cmd.channel_id, started)
    shop = gateways.shop(cmd.channel_id)
    # read Mozello first: no database transaction stays open across API calls
    created = channel.created_at if channel is not None else None
    snapshots = list(shop.orders_created_since(poll_start(since, created, started)))
    seen = {s.order.order_id for s in snapshots}
    snapshots += _read_again(shop, [order_id for order_id in pending if order_id not in seen])
    follow_ups: list[Command] = []
    with uow:
        for shop_order in snapshots:
            order = shop_order.order
            item = uow.inbox.get(cmd.channel_id, order.order_id)
            if item is not None and item.order == order:
                continue
            body = json.dumps(shop_order.raw, sort_keys=True, default=str).encode()
            delivery = uow.deliveries.add(
                RawDelivery(
                    channel_id=cmd.channel_id,
                    body=body,
                    headers={"X-Sales-Inbox-Source": "poll"},
                    received_at=started,
                    fingerprint=hashlib.sha256(b"POLL" + body).hexdigest(),
                    event=POLL_EVENT,
                    order_id=order.order_id,
                    queued_at=started,  # handled by this very message, in-line
                )
            )
            follow_ups.append(
                ReceiveOrder(cmd.channel_id, order, "POLL", source="poll", delivery_id=delivery.id)
            )
        uow.watermarks.set(cmd.channel_id, WATERMARK, started)
        uow.commit()
    logger.info("orders_polled", channel=cmd.channel_id, new_snapshots=len(follow_ups))
    return follow_ups


def _recent_pending(uow: UnitOfWork, channel_id: str, now) -> list[str]:
    """Orders waiting in the inbox for Mozello's payment, created in the last RECHECK_WINDOW."""
    young = [
        item for item in uow.inbox.list(channel_id, InboxStatus.RECEIVED)
        if item.order.payment_status is PaymentStatus.PENDING
        and item.order.created_at >= now - RECHECK_WINDOW
    ]
    young.sort(key=lambda item: item.order.created_at, reverse=True)
    return [item.order_id for item in young[:RECHECK_LIMIT]]


def _read_again(shop: ShopPort, order_ids: list[str]) -> list[ShopOrder]:
    found = []
    for order_id in order_ids:
        try:
            found.append(shop.get_order(order_id))
        except NotFound:  # deleted in Mozello: its ORDER_DELETED notification says so
            logger.info("pending_order_gone", order_id=order_id)
    return found
