from __future__ import annotations

from application.commands import AnswerDocumentCheck
from application.document_recovery import DOCUMENT_CHECKED
from application.errors import InvalidInput, UnknownOrder
from application.ports import Clock, UnitOfWork
from domain.inbox import Step


def answer_document_check(cmd: AnswerDocumentCheck, uow: UnitOfWork, clock: Clock) -> list:
    """Write down a person's answer; the next processing adopts the named document (checking
    that its DocumentRef is the order id) or creates the document, instead of asking again."""
    document_id = (cmd.document_id or "").strip()
    if cmd.document_id is not None and not document_id.isdigit():
        raise InvalidInput({"document_id": ["a PayTraq document number (digits only)"]})
    with uow:
        item = uow.inbox.get(cmd.channel_id, cmd.order_id, for_update=True)
        if item is None:
            raise UnknownOrder(cmd.channel_id, cmd.order_id)
        item.steps.append(Step(DOCUMENT_CHECKED, clock.now(), {"document_id": document_id}))
        uow.commit()
    return []
