from __future__ import annotations

from application.commands import ReceiveOrder
from application.errors import ConcurrentUpdate, UnknownChannel
from application.events import Event, OrderChanged, OrderDeleted
from application.ports import Clock, UnitOfWork
from domain.inbox import InboxItem, Step

ORDER_DELETED = "ORDER_DELETED"
ORDER_CREATED = "ORDER_CREATED"


def receive_order(cmd: ReceiveOrder, uow: UnitOfWork, clock: Clock) -> list[Event]:
    """Create or update the inbox item; an ORDER_CREATED replay never rolls a newer snapshot back.
    A new order is added as one write (`add_if_new`); one already there is read, locked, and
    updated."""
    with uow:
        if uow.channels.get(cmd.channel_id) is None:
            raise UnknownChannel(cmd.channel_id)
        now = clock.now()
        new = InboxItem(cmd.channel_id, cmd.order.order_id, cmd.order, received_at=now)
        new.steps.append(_received_step(cmd, now))
        if uow.inbox.add_if_new(new):
            changed = True
        else:
            item = uow.inbox.get(cmd.channel_id, cmd.order.order_id, for_update=True)
            if item is None:  # there a moment ago (items are never deleted): read again
                raise ConcurrentUpdate(cmd.channel_id, cmd.order.order_id)
            if cmd.event == ORDER_CREATED and cmd.source == "webhook":
                changed = False
            else:
                changed = item.record_snapshot(cmd.order, now)
        uow.commit()
    if cmd.event == ORDER_DELETED:
        return [OrderDeleted(cmd.channel_id, cmd.order.order_id)]
    return [OrderChanged(cmd.channel_id, cmd.order.order_id)] if changed else []


def _received_step(cmd: ReceiveOrder, now) -> Step:
    detail = {"event": cmd.event, "source": cmd.source}
    if cmd.delivery_id:
        detail["delivery_id"] = cmd.delivery_id
    return Step("received", now, detail)
