"""A person's answer where PayTraq's answer to a write was lost and nothing could show whether
the write happened: the payment (`payment_uncertain`), the PayTraq Connect delivery
(`connect_uncertain`) or the document (`document_uncertain`).

An answer is written down only while the order waits for exactly that answer: it is in review
for that reason and the question the review names (which attempt, how many answers it has had)
is still the one open — and never while a worker processes the order (the order's lock). So
a second click, a colleague's answer or a page left open since an earlier review cannot apply
to a later attempt, which would write a second time."""

from __future__ import annotations

import re

from application.commands import AnswerConnectCheck, AnswerDocumentCheck, AnswerPaymentCheck
from application.connect_processing import CONNECT_CHECKED
from application.document_recovery import DOCUMENT_CHECKED
from application.errors import InvalidInput, PermanentError, UnknownOrder
from application.order_lock import holding_order
from application.payment_recovery import PAYMENT_CHECKED
from application.ports import Clock, ExpiringLock, UnitOfWork
from application.write_ahead import (
    ADDING_PAYMENT,
    CREATING_DOCUMENT,
    SENDING_TO_CONNECT,
    last_attempt,
)
from domain.inbox import InboxItem, InboxStatus, Step
from domain.review import ReasonCode

DOCUMENT_ID = re.compile(r"[0-9]{1,20}")


class AnswerNotAsked(PermanentError):
    """The order does not wait for this answer (any more): nothing was written."""


QUESTIONS = {  # per review: the write-ahead record of the write, and the answer's step
    ReasonCode.PAYMENT_UNCERTAIN: (ADDING_PAYMENT, PAYMENT_CHECKED),
    ReasonCode.CONNECT_UNCERTAIN: (SENDING_TO_CONNECT, CONNECT_CHECKED),
    ReasonCode.DOCUMENT_UNCERTAIN: (CREATING_DOCUMENT, DOCUMENT_CHECKED),
}


def answer_payment_check(cmd: AnswerPaymentCheck, uow: UnitOfWork, clock: Clock,
                         order_lock: ExpiringLock | None = None) -> list:
    _record(cmd, uow, clock, order_lock, ReasonCode.PAYMENT_UNCERTAIN,
            {"booked": "yes" if cmd.booked else "no"})
    return []


def answer_connect_check(cmd: AnswerConnectCheck, uow: UnitOfWork, clock: Clock,
                         order_lock: ExpiringLock | None = None) -> list:
    _record(cmd, uow, clock, order_lock, ReasonCode.CONNECT_UNCERTAIN,
            {"delivered": "yes" if cmd.delivered else "no"})
    return []


def answer_document_check(cmd: AnswerDocumentCheck, uow: UnitOfWork, clock: Clock,
                          order_lock: ExpiringLock | None = None) -> list:
    document_id = (cmd.document_id or "").strip()
    if cmd.document_id is not None and not DOCUMENT_ID.fullmatch(document_id):
        raise InvalidInput({"document_id": ["a PayTraq document id: digits only"]})
    _record(cmd, uow, clock, order_lock, ReasonCode.DOCUMENT_UNCERTAIN,
            {"document_id": document_id})
    return []


def _record(cmd: AnswerPaymentCheck | AnswerConnectCheck | AnswerDocumentCheck,
            uow: UnitOfWork, clock: Clock, order_lock: ExpiringLock | None, code: ReasonCode,
            detail: dict[str, str]) -> None:
    """Load (holding the order), check that this answer is asked for, write it down."""
    with holding_order(order_lock, cmd.channel_id, cmd.order_id, clock), uow:
        item = uow.inbox.get(cmd.channel_id, cmd.order_id, for_update=order_lock is None)
        if item is None:
            raise UnknownOrder(cmd.channel_id, cmd.order_id)
        _check_asked(item, code, cmd.question)
        by = {"by": cmd.by} if cmd.by else {}
        item.steps.append(Step(QUESTIONS[code][1], clock.now(), {**detail, **by}))
        uow.commit()


def open_question(item: InboxItem, code: ReasonCode) -> str | None:
    """The question the order's review asks for `code`, while it is open (asked, and not
    answered since); None otherwise."""
    reason = next((r for r in item.reasons if r.code is code), None)
    if item.status is not InboxStatus.NEEDS_REVIEW or reason is None:
        return None
    current = last_attempt(item.steps, *QUESTIONS[code]).question
    asked = reason.detail("question") or (  # a review from before questions were named:
        current if current.endswith(".0") else None)  # open while not answered
    return current if asked == current else None


def _check_asked(item: InboxItem, code: ReasonCode, question: str | None) -> None:
    if item.status is not InboxStatus.NEEDS_REVIEW or not any(
            r.code is code for r in item.reasons):
        raise AnswerNotAsked(f"order {item.order_id} does not wait for this answer (status "
                             f"{item.status.value}): nothing was written")
    current = open_question(item, code)
    if current is None or question not in (None, current):
        raise AnswerNotAsked(f"order {item.order_id} was answered or tried again since this "
                             "question was asked: look at its page again; nothing was written")
