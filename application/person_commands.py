"""Commands a person gives from the console for one order (who asks is always named)."""

from __future__ import annotations

from dataclasses import dataclass

from application.commands import Command


@dataclass(frozen=True)
class AcceptRounding(Command):
    """Void the unpaid Draft and create it again with the no-VAT rounding adjustment."""

    channel_id: str
    order_id: str
    by: str


@dataclass(frozen=True)
class MarkHandled(Command):
    """The order was dealt with by hand (e.g. corrected in PayTraq)."""

    channel_id: str
    order_id: str
    by: str
    note: str = ""


@dataclass(frozen=True)
class IgnoreOrder(Command):
    """Nothing is to be done for this order."""

    channel_id: str
    order_id: str
    by: str
    note: str = ""
