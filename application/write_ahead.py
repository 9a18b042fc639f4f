"""Names of the write-ahead records: an inbox step written, and committed, just before an outside
write whose answer can be lost. Whoever finds one without its result knows to look (or to ask a
person) before writing again; without one, nothing was attempted and nothing is looked up."""

from __future__ import annotations

from domain.inbox import Step

CREATING_DOCUMENT = "creating_document"  # POST sale (REST)
ADDING_PAYMENT = "adding_payment"  # POST sale/{id}/payment, with what the document showed before
SENDING_TO_CONNECT = "sending_to_paytraq_connect"  # POST to the PayTraq Connect URL


def question_asked(steps: list[Step], intent: str, answer: str) -> str:
    """How a review names the question it asks a person: which attempt (the count of `intent`
    records) and how many answers it has had ("1.0": the first attempt, not answered yet). An
    answer names it back, so it never applies to a later attempt or a question answered since."""
    attempts = answers = 0
    for step in steps:
        if step.name == intent:
            attempts, answers = attempts + 1, 0
        elif step.name == answer:
            answers += 1
    return f"{attempts}.{answers}"
