"""A person closes an order: handled by hand, or ignored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from application.errors import PermanentError, UnknownOrder
from application.person_commands import IgnoreOrder, MarkHandled
from application.ports import Clock, UnitOfWork
from domain.inbox import IllegalInboxTransition, InboxItem


class ActionNotAllowed(PermanentError):
    """The order is in no state for what the person asked."""


def mark_handled(cmd: MarkHandled, uow: UnitOfWork, clock: Clock) -> None:
    _person_closes(cmd, uow, clock, "be marked as handled by hand",
                   lambda item, now: item.handled_by_hand(cmd.by, now, cmd.note))


def ignore_order(cmd: IgnoreOrder, uow: UnitOfWork, clock: Clock) -> None:
    _person_closes(cmd, uow, clock, "be ignored",
                   lambda item, now: item.ignore(cmd.by, now, cmd.note))


def _person_closes(cmd: MarkHandled | IgnoreOrder, uow: UnitOfWork, clock: Clock, what: str,
                   close: Callable[[InboxItem, datetime], None]) -> None:
    """Load the order, let the person's decision move it (the domain says whether it may)."""
    with uow:
        item = uow.inbox.get(cmd.channel_id, cmd.order_id, for_update=True)
        if item is None:
            raise UnknownOrder(cmd.channel_id, cmd.order_id)
        try:
            close(item, clock.now())
        except IllegalInboxTransition as illegal:
            raise ActionNotAllowed(f"an order in status {illegal.current} cannot {what}") from None
        uow.commit()
