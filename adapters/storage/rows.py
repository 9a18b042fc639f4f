"""An InboxItem as a row of inbox_items: scalars in columns, nested records as JSON."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from adapters.storage.codec import decode, encode
from application.inbox_listing import search_text
from domain.connect_revisits import next_revisit_at
from domain.inbox import InboxItem, InboxStatus

_HINTS = typing.get_type_hints(InboxItem)
_FIELDS = [f.name for f in dataclasses.fields(InboxItem)]
JSON_FIELDS = frozenset({"order", "document", "payment", "steps", "reasons"})


def item_to_row(item: InboxItem) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(item, name)
        if name in JSON_FIELDS:
            value = encode(value, _HINTS[name])
        elif name == "status":
            value = InboxStatus(value).value
        row[name] = value
    row["search_text"] = search_text(item)
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
