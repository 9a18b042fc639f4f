from __future__ import annotations

from application.commands import AnswerPaymentCheck
from application.errors import UnknownOrder
from application.payment_recovery import PAYMENT_CHECKED
from application.ports import Clock, UnitOfWork
from domain.inbox import Step


def answer_payment_check(cmd: AnswerPaymentCheck, uow: UnitOfWork, clock: Clock) -> list:
    """Write down a person's answer; the next processing books the payment (not booked) or
    records it as booked, instead of asking again."""
    with uow:
        item = uow.inbox.get(cmd.channel_id, cmd.order_id, for_update=True)
        if item is None:
            raise UnknownOrder(cmd.channel_id, cmd.order_id)
        item.steps.append(Step(PAYMENT_CHECKED, clock.now(), {"booked": "yes" if cmd.booked else "no"}))
        uow.commit()
    return []
