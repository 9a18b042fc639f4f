from __future__ import annotations

from application.commands import CancelOrder, Command, ProcessOrder
from application.events import OrderChanged, OrderDeleted
from application.ports import UnitOfWork


def process_when_ready(event: OrderChanged, uow: UnitOfWork) -> list[Command]:
    """Automatic processing, when the channel's switch is on and its trigger is met. The item
    as this message's own commit left it will do (ProcessOrder reads it afresh under the order
    lock and decides again; whoever changed it since sends their own OrderChanged)."""
    with uow:
        channel = uow.channels.get(event.channel_id)
        item = uow.inbox.as_committed_here(event.channel_id, event.order_id)
        if channel is None or item is None or item.is_cancelled:
            return []
        if channel.settings.ready_to_process(item.order):
            return [ProcessOrder(event.channel_id, event.order_id)]
        return []


def cancel_deleted(event: OrderDeleted, uow: UnitOfWork) -> list[Command]:
    return [CancelOrder(event.channel_id, event.order_id)]
