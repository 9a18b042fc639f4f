from __future__ import annotations

from application.commands import AnswerConnectCheck
from application.connect_processing import CONNECT_CHECKED
from application.errors import UnknownOrder
from application.ports import Clock, UnitOfWork
from domain.inbox import Step


def answer_connect_check(cmd: AnswerConnectCheck, uow: UnitOfWork, clock: Clock) -> list:
    """Write down a person's answer; the next processing sends the order again (not
    delivered) or takes it as delivered, instead of asking again."""
    with uow:
        item = uow.inbox.get(cmd.channel_id, cmd.order_id, for_update=True)
        if item is None:
            raise UnknownOrder(cmd.channel_id, cmd.order_id)
        answer = "yes" if cmd.delivered else "no"
        item.steps.append(Step(CONNECT_CHECKED, clock.now(), {"delivered": answer}))
        uow.commit()
    return []
