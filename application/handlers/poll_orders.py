from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import structlog

from application.commands import Command, PollOrders, ReceiveOrder
from application.ports import Clock, Gateways, RawDelivery, UnitOfWork

logger = structlog.get_logger()

WATERMARK = "orders_poll"
OVERLAP = timedelta(minutes=15)
FIRST_POLL_WINDOW = timedelta(days=1)  # a channel without a watermark: never the whole history


def poll_start(watermark: datetime | None, created_at: datetime | None,
               now: datetime) -> datetime:
    """From when to ask Mozello: the watermark less an overlap, but never before the channel
    was created (polling starts at creation; the shop's history is not imported)."""
    start = watermark - OVERLAP if watermark else (created_at or now - FIRST_POLL_WINDOW)
    return max(start, created_at) if created_at else start


def poll_orders(cmd: PollOrders, uow: UnitOfWork, gateways: Gateways, clock: Clock) -> list[Command]:
    """Feed every order modified since the watermark (minus an overlap) that the inbox has not
    seen in that state into the normal receive path; keep the raw JSON like a webhook body."""
    started = clock.now()
    with uow:
        since = uow.watermarks.get(cmd.channel_id, WATERMARK)
        channel = uow.channels.get(cmd.channel_id)
    shop = gateways.shop(cmd.channel_id)
    # read Mozello first: no database transaction stays open across API calls
    created = channel.created_at if channel is not None else None
    snapshots = list(shop.orders_modified_since(poll_start(since, created, started)))
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
                    event="POLL",
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
