"""Mozello's webhooks as the application reads them: the signature over the raw bytes, the
event and order named by the body, the fingerprint that recognises a repeated delivery, and the
command a stored delivery becomes."""

from __future__ import annotations

import hashlib
import json

from adapters.errors import InvalidNotification
from adapters.mozello.notifications import (
    Notification,
    decode_notification,
    event_of,
    order_id_of,
    parse_notification,
)
from adapters.mozello.signature import verify
from application.commands import Command, ReceiveOrder, RecordProduct
from application.ports import (
    DeliveryHeading,
    DeliveryReading,
    RawDelivery,
    ShopPort,
    WebhookReader,
)

SIGNATURE_HEADER = "X-Mozello-Hash"


class MozelloWebhookReader(WebhookReader):
    kept_headers = ("Content-Type", "X-Mozello-API-Version", "X-Mozello-Alias", SIGNATURE_HEADER,
                    "User-Agent")
    signature_header = SIGNATURE_HEADER

    def is_signed(self, body: bytes, headers: dict[str, str], api_key: str) -> bool:
        return verify(body, headers.get(SIGNATURE_HEADER), api_key)

    def read(self, channel_id: str, body: bytes) -> DeliveryReading:
        """The body is decoded once, for the fingerprint and the heading alike; the order or
        product in it is left to the worker (receive_command)."""
        try:
            document = decode_notification(body)
        except InvalidNotification as unreadable:
            return DeliveryReading(_fingerprint(channel_id, body), error=str(unreadable))
        fingerprint = _fingerprint(channel_id, _canonical(document, body))
        try:
            event = event_of(document)
            heading = DeliveryHeading(event, order_id_of(event, document))
        except InvalidNotification as unreadable:
            return DeliveryReading(fingerprint, error=str(unreadable))
        except Exception as error:  # whatever the body holds, it is kept and refused
            return DeliveryReading(fingerprint,
                                   error=f"unreadable notification ({type(error).__name__})")
        return DeliveryReading(fingerprint, heading)


def _canonical(document: object, body: bytes) -> bytes:
    """Same event + same order (or product) snapshot = same text, whatever the escaping."""
    try:
        return json.dumps(document, sort_keys=True, default=str).encode()
    except (ValueError, RecursionError):
        return body


def _fingerprint(channel_id: str, canonical: bytes) -> str:
    return hashlib.sha256(channel_id.encode() + b"\0" + canonical).hexdigest()


def receive_command(delivery: RawDelivery, shop: ShopPort) -> Command | None:
    """ReceiveOrder for an order event (an abbreviated order body — only the changed field —
    is completed by reading the order from Mozello); RecordProduct for a product event."""
    notification: Notification = parse_notification(delivery.body)
    if not notification.is_order_event:
        return _product_command(delivery.channel_id, notification)
    order = notification.order
    if order is None:
        order = shop.get_order(notification.order_id).order
    return ReceiveOrder(
        delivery.channel_id, order, notification.event, source="webhook", delivery_id=delivery.id
    )


def _product_command(channel_id: str, notification: Notification) -> RecordProduct | None:
    product = notification.product
    if product is None or not product.handle:
        return None
    data = json.loads(json.dumps(product.raw, default=str))
    return RecordProduct(channel_id, notification.event, product.handle, product.sku,
                         product.stock, str(product.raw.get("modified_at") or ""), data)
