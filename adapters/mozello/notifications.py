"""A Mozello webhook body, parsed: which event, and the order or product it carries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from adapters.errors import InvalidNotification
from adapters.mozello import wire
from adapters.mozello.schemas import describe_errors, load_order, load_product
from application.ports import ShopProduct
from domain.orders import SalesOrder

ORDER_EVENTS = ("ORDER_CREATED", "ORDER_DELETED", "PAYMENT_CHANGED", "DISPATCH_CHANGED")
PRODUCT_EVENTS = ("PRODUCT_CHANGED", "PRODUCT_DELETED", "STOCK_CHANGED")
EVENTS = ORDER_EVENTS + PRODUCT_EVENTS

# An order body without these keys is an abbreviated snapshot (the official PAYMENT_CHANGED
# example carries only `payment_status`): keep it raw and let the handler fetch the order.
FULL_ORDER_KEYS = ("created_at", "cart", "total")


@dataclass(frozen=True, slots=True)
class Notification:
    event: str
    order: SalesOrder | None = None
    raw_order: dict | None = None
    product: ShopProduct | None = None

    @property
    def order_id(self) -> str | None:
        if self.order is not None:
            return self.order.order_id
        if self.raw_order is not None:
            value = self.raw_order.get("order_id")
            return str(value) if value else None
        return None

    @property
    def is_order_event(self) -> bool:
        return self.event in ORDER_EVENTS


def parse_notification(body: bytes) -> Notification:
    """Parse the raw webhook bytes; raise InvalidNotification with a readable reason."""
    document = decode_notification(body)
    event = event_of(document)
    if order_id_of(event, document) is not None:
        return _order_notification(event, document["order"])
    return _product_notification(event, document.get("product"))


def decode_notification(body: bytes) -> Any:
    """The JSON of the body (fractions as Decimal); InvalidNotification when it is not JSON."""
    try:
        return wire.decode(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidNotification(f"Mozello notification is not JSON: {exc}") from exc


def event_of(document: Any) -> str:
    """The event a decoded body names; InvalidNotification when it is no notification."""
    if not isinstance(document, dict):
        raise InvalidNotification("Mozello notification must be a JSON object")
    event = document.get("event")
    if event not in EVENTS:
        raise InvalidNotification(
            f"unknown Mozello event {event!r}; expected one of {', '.join(EVENTS)}"
        )
    return event


def order_id_of(event: str, document: dict) -> str | None:
    """The order an order event names (InvalidNotification without one); None for a product
    event. Only these two checks — the order itself is read by the worker (parse_notification)."""
    if event not in ORDER_EVENTS:
        return None
    raw = document.get("order")
    if not isinstance(raw, dict) or not raw.get("order_id"):
        raise InvalidNotification(f"{event} notification carries no order with an order_id")
    return str(raw["order_id"])


def _order_notification(event: str, raw: dict) -> Notification:
    if any(key not in raw for key in FULL_ORDER_KEYS):
        return Notification(event=event, raw_order=raw)
    try:
        order = load_order(raw)
    except ValidationError as exc:
        raise InvalidNotification(
            f"{event} notification for order {raw.get('order_id')!r} is not a valid "
            f"Mozello order: {describe_errors(exc)}"
        ) from exc
    return Notification(event=event, order=order, raw_order=raw)


def _product_notification(event: str, raw: Any) -> Notification:
    if not isinstance(raw, dict):
        raise InvalidNotification(f"{event} notification carries no product object")
    try:
        product = load_product(raw)
    except ValidationError as exc:
        raise InvalidNotification(
            f"{event} notification is not a valid Mozello product: {describe_errors(exc)}"
        ) from exc
    return Notification(event=event, product=product)
