"""An InboxItem as a row of inbox_items: scalars in columns, nested records as JSON.

The order is the largest part of a row and never changes in place (SalesOrder is frozen): a
row written before for the very same order object lends its JSON and search text, so a worker
saving an item a dozen times per order encodes the order once. Steps are only ever appended
(a Step is never changed once recorded): the steps the earlier row was made of lend their
encoded form, and only the new ones are encoded."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from adapters.storage.codec import decode, encode
from application.inbox_listing import search_text
from domain.connect_revisits import next_revisit_at
from domain.inbox import InboxItem, InboxStatus
from domain.inbox_records import Step
from domain.orders import SalesOrder

_HINTS = typing.get_type_hints(InboxItem)
_FIELDS = [f.name for f in dataclasses.fields(InboxItem)]
JSON_FIELDS = frozenset({"order", "document", "payment", "steps", "reasons"})


Earlier = tuple[SalesOrder, list[Step], typing.Mapping[str, Any]]


def item_to_row(item: InboxItem, earlier: Earlier | None = None) -> dict[str, Any]:
    """The row of `item`; `earlier` (an order, steps and a row made of them) lends the order's
    JSON and search text when `item.order` is that very object, and each step's encoded form
    while `item.steps` begins with those very Step objects."""
    reuse = earlier is not None and earlier[0] is item.order
    row: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(item, name)
        if name == "order" and reuse:
            value = earlier[2]["order"]
        elif name == "steps" and earlier is not None:
            value = _steps(value, earlier[1], earlier[2]["steps"])
        elif name in JSON_FIELDS:
            value = encode(value, _HINTS[name])
        elif name == "status":
            value = InboxStatus(value).value
        row[name] = value
    row["search_text"] = earlier[2]["search_text"] if reuse else search_text(item)
    row["revisit_at"] = next_revisit_at(item)  # derived, for the sweeper's index
    return row


def _steps(steps: list[Step], encoded_from: list[Step], encoded: list[Any]) -> list[Any]:
    """`steps` encoded, reusing `encoded` (made of `encoded_from`) for the same Step objects."""
    same = 0
    for step, before in zip(steps, encoded_from, strict=False):
        if step is not before:
            break
        same += 1
    if same == len(steps) == len(encoded):
        return encoded
    return encoded[:same] + encode(steps[same:], _HINTS["steps"])


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
