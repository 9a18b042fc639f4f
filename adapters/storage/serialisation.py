"""Domain objects <-> JSON-able dicts, exactly: what goes in comes back equal.

Decimals are strings, datetimes ISO 8601 with their offset, enums their values, tuples lists."""

from __future__ import annotations

from typing import Any

from adapters.storage.codec import decode, encode
from application.ports import ChannelCredentials
from domain.inbox import DocumentRecord, InboxItem, PaymentRecord, Step
from domain.orders import SalesOrder
from domain.review import ReviewReason
from domain.settings import Channel, ChannelSettings

STEPS = list[Step]
REASONS = list[ReviewReason]


def inbox_item_to_dict(item: InboxItem) -> dict[str, Any]:
    return encode(item, InboxItem)


def inbox_item_from_dict(data: dict[str, Any]) -> InboxItem:
    return decode(data, InboxItem)


def order_to_dict(order: SalesOrder) -> dict[str, Any]:
    return encode(order, SalesOrder)


def order_from_dict(data: dict[str, Any]) -> SalesOrder:
    return decode(data, SalesOrder)


def document_to_dict(record: DocumentRecord | None) -> dict[str, Any] | None:
    return encode(record, DocumentRecord | None)


def document_from_dict(data: dict[str, Any] | None) -> DocumentRecord | None:
    return decode(data, DocumentRecord | None)


def payment_to_dict(record: PaymentRecord | None) -> dict[str, Any] | None:
    return encode(record, PaymentRecord | None)


def payment_from_dict(data: dict[str, Any] | None) -> PaymentRecord | None:
    return decode(data, PaymentRecord | None)


def steps_to_list(steps: list[Step]) -> list[dict[str, Any]]:
    return encode(steps, STEPS)


def steps_from_list(data: list[dict[str, Any]]) -> list[Step]:
    return decode(data, STEPS)


def reasons_to_list(reasons: list[ReviewReason]) -> list[dict[str, Any]]:
    return encode(reasons, REASONS)


def reasons_from_list(data: list[dict[str, Any]]) -> list[ReviewReason]:
    return decode(data, REASONS)


def settings_to_dict(settings: ChannelSettings) -> dict[str, Any]:
    return encode(settings, ChannelSettings)


def settings_from_dict(data: dict[str, Any]) -> ChannelSettings:
    return decode(data, ChannelSettings)


def channel_to_dict(channel: Channel) -> dict[str, Any]:
    return encode(channel, Channel)


def channel_from_dict(data: dict[str, Any]) -> Channel:
    return decode(data, Channel)


def credentials_to_dict(credentials: ChannelCredentials) -> dict[str, Any]:
    return encode(credentials, ChannelCredentials)


def credentials_from_dict(data: dict[str, Any]) -> ChannelCredentials:
    return decode(data, ChannelCredentials)
