"""Domain objects <-> JSON-able dicts, exactly: what goes in comes back equal.

Decimals are strings, datetimes ISO 8601 with their offset, enums their values, tuples lists."""

from __future__ import annotations

from typing import Any

from adapters.storage.codec import decode, encode
from application.ports import ChannelCredentials
from domain.inbox import InboxItem
from domain.orders import SalesOrder
from domain.settings import Channel, ChannelSettings


def inbox_item_to_dict(item: InboxItem) -> dict[str, Any]:
    return encode(item, InboxItem)


def inbox_item_from_dict(data: dict[str, Any]) -> InboxItem:
    return decode(data, InboxItem)


def order_to_dict(order: SalesOrder) -> dict[str, Any]:
    return encode(order, SalesOrder)


def order_from_dict(data: dict[str, Any]) -> SalesOrder:
    return decode(data, SalesOrder)


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
