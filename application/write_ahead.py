"""Names of the write-ahead records: an inbox step written, and committed, just before an outside
write whose answer can be lost. Whoever finds one without its result knows to look (or to ask a
person) before writing again; without one, nothing was attempted and nothing is looked up.

A write that failed having surely done nothing (the adapter says so: `write_not_sent`, a 429 or
a refusal, no connection, the call budget spent first) closes its record with a WRITE_NOT_SENT
step: the retry writes again at once, without a look-up that costs calls and without asking a
person about a payment PayTraq never saw."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from application.errors import SalesInboxError
from domain.inbox import Step

CREATING_DOCUMENT = "creating_document"  # POST sale (REST)
ADDING_PAYMENT = "adding_payment"  # POST sale/{id}/payment, with what the document showed before
SENDING_TO_CONNECT = "sending_to_paytraq_connect"  # POST to the PayTraq Connect URL
WRITE_NOT_SENT = "write_not_sent"  # detail: intent (the record it closes), error (its kind)


def close_if_not_sent(steps: list[Step], intent: str, error: SalesInboxError,
                      at: datetime) -> None:
    """After the `intent` write failed with `error`: if it surely did nothing, a WRITE_NOT_SENT
    step closes its record (committed with the failure, as every failure is)."""
    if error.write_not_sent:
        steps.append(Step(WRITE_NOT_SENT, at, {"intent": intent, "error": type(error).__name__}))


@dataclass(frozen=True, slots=True)
class LastAttempt:
    """An order's last write-ahead record of one kind, and a person's answers about it since."""

    number: int  # how many such records the order has (0: never attempted)
    step: Step | None  # the last one; None if never, or if its outcome was recorded since
    answers: int  # a person's answers since it
    answer: Step | None  # the latest of them, while its outcome is not recorded

    @property
    def question(self) -> str:
        """How a review names the question it asks a person: which attempt and how many
        answers it has had ("1.0": the first attempt, not answered yet). An answer names it
        back, so it never applies to a later attempt or a question answered since."""
        return f"{self.number}.{self.answers}"


def last_attempt(steps: list[Step], intent: str, answer: str,
                 settled: Collection[str] = ()) -> LastAttempt:
    """The last `intent` record in `steps` and the `answer` steps since; a `settled` step (the
    outcome recorded, say the document) or a WRITE_NOT_SENT of it ends the attempt, though not
    its count of answers."""
    number = answers = 0
    attempt = answered = None
    for step in steps:
        if step.name == intent:
            number, attempt, answers, answered = number + 1, step, 0, None
        elif step.name in settled or (step.name == WRITE_NOT_SENT
                                      and step.detail.get("intent") == intent):
            attempt, answered = None, None
        elif step.name == answer:
            answers += 1
            answered = step if attempt is not None else None
    return LastAttempt(number, attempt, answers, answered)
