"""A person closes an order: handled by hand, or ignored."""

from __future__ import annotations

from application.errors import PermanentError, UnknownOrder
from application.person_commands import IgnoreOrder, MarkHandled
from application.ports import Clock, UnitOfWork
from domain.inbox import IllegalInboxTransition


class ActionNotAllowed(PermanentError):
    """The order is in no state for what the person asked."""


def mark_handled(cmd: MarkHandled, uow: UnitOfWork, clock: Clock) -> None:
    with uow:
        item = uow.inbox.get(cmd.channel_id, cmd.order_id, for_update=True)
        if item is None:
            raise UnknownOrder(cmd.channel_id, cmd.order_id)
        try:
            item.handled_by_hand(cmd.by, clock.now(), cmd.note)
        except IllegalInboxTransition as illegal:
            raise ActionNotAllowed(f"an order in status {illegal.current} cannot be marked "
                                   "as handled by hand") from None
        uow.commit()


def ignore_order(cmd: IgnoreOrder, uow: UnitOfWork, clock: Clock) -> None:
    with uow:
        item = uow.inbox.get(cmd.channel_id, cmd.order_id, for_update=True)
        if item is None:
            raise UnknownOrder(cmd.channel_id, cmd.order_id)
        try:
            item.ignore(cmd.by, clock.now(), cmd.note)
        except IllegalInboxTransition as illegal:
            raise ActionNotAllowed(f"an order in status {illegal.current} cannot be "
                                   "ignored") from None
        uow.commit()
