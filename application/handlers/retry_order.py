from __future__ import annotations

from application.commands import Command, ProcessOrder, RetryOrder
from application.errors import UnknownOrder
from application.ports import Clock, UnitOfWork


def retry_order(cmd: RetryOrder, uow: UnitOfWork, clock: Clock) -> list[Command]:
    with uow:
        item = uow.inbox.get(cmd.channel_id, cmd.order_id, for_update=True)
        if item is None:
            raise UnknownOrder(cmd.channel_id, cmd.order_id)
        item.retry(clock.now())
        uow.commit()
    return [ProcessOrder(cmd.channel_id, cmd.order_id, manual=True)]
