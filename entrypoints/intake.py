"""From a stored webhook delivery to a ReceiveOrder command."""

from __future__ import annotations

import hashlib
import json

from adapters.mozello import wire
from adapters.mozello.notifications import Notification, parse_notification
from application.commands import ReceiveOrder
from application.ports import RawDelivery, ShopPort


def fingerprint(channel_id: str, body: bytes) -> str:
    """Same event + same order (or product) snapshot = same fingerprint, whatever the escaping."""
    try:
        canonical = json.dumps(wire.decode(body), sort_keys=True, default=str).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(channel_id.encode() + b"\0" + canonical).hexdigest()


def receive_command(delivery: RawDelivery, shop: ShopPort) -> ReceiveOrder | None:
    """The command for an order event; None for product events. An abbreviated order body
    (only the changed field) is completed by reading the order from Mozello."""
    notification: Notification = parse_notification(delivery.body)
    if not notification.is_order_event:
        return None
    order = notification.order
    if order is None:
        order = shop.get_order(notification.order_id).order
    return ReceiveOrder(
        delivery.channel_id, order, notification.event, source="webhook", delivery_id=delivery.id
    )
