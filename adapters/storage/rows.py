"""An InboxItem as a row of inbox_items: scalars in columns, nested records as JSON.

The order is the largest part of a row and never changes in place (SalesOrder is frozen): a
row written before for the very same order object lends its JSON and search text, so a worker
saving an item a dozen times per order encodes the order once."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from adapters.storage.codec import decode, encode
from application.inbox_listing import search_text
from domain.connect_revisits import next_revisit_at
from domain.inbox import InboxItem, InboxStatus
from domain.orders import SalesOrder

_HINTS = typing.get_type_hints(InboxItem)
_FIELDS = [f.name for f in dataclasses.fields(InboxItem)]
JSON_FIELDS = frozenset({"order", "document", "payment", "steps", "reasons"})


def item_to_row(item: InboxItem,
                same_order_as: tuple[SalesOrder, typing.Mapping[str, Any]] | None = None
                ) -> dict[str, Any]:
    """The row of `item`; `same_order_as` (an order and a row made of it) lends the order's
    JSON and search text when `item.order` is that very object."""
    reuse = same_order_as is not None and same_order_as[0] is item.order
    row: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(item, name)
        if name == "order" and reuse:
            value = same_order_as[1]["order"]
        elif name in JSON_FIELDS:
            value = encode(value, _HINTS[name])
        elif name == "status":
            value = InboxStatus(value).value
        row[name] = value
    row["search_text"] = same_order_as[1]["search_text"] if reuse else search_text(item)
    row["revisit_at"] = next_revisit_at(item)  # derived, for the sweeper's index
    return row


def item_from_row(row: typing.Mapping[str, Any]) -> InboxItem:
    values: dict[str, Any] = {}
    for name in _FIELDS:
        value = row[name]
        if name in JSON_FIELDS:
            value = decode(value, _HINTS[name])
        elif name == "status":
            value = InboxStatus(value)
        values[name] = value
    return InboxItem(**values)
