"""Was the document created by an attempt whose answer was lost? (never a second one by doubt)

Before `POST sale` the processor writes down that it is about to create the document
(`CREATING_DOCUMENT`). Only when such a record exists without a recorded document does anyone
ask PayTraq again: by DocumentRef (the Mozello order id), then — `sales?query=` may not match
DocumentRef (DECISIONS R4) — through a bounded listing of the sales around the document date,
unless `channel check` showed `query` finding a DocumentRef (then a miss is conclusive).
When that listing cannot finish (more pages than the bound, or paging not honoured), a missing
document cannot be ruled out: a person looks in PayTraq and answers
(`inbox document ORDER_ID --created DOCUMENT_ID | --not-created`, or on the order's page).
"""

from __future__ import annotations

from dataclasses import dataclass

from application.errors import LookUpUnfinished, NotFound
from application.ports import AccountingPort, SaleRecord
from application.write_ahead import CREATING_DOCUMENT, last_attempt
from domain.inbox import DOCUMENT_ADOPTED, DOCUMENT_CREATED, Step
from domain.orders import SalesOrder
from domain.review import ReasonCode, ReviewReason

DOCUMENT_CHECKED = "document_checked"  # a person's answer: detail document_id ("" = none)
SETTLED = (DOCUMENT_CREATED, DOCUMENT_ADOPTED)  # an attempt whose document was recorded


@dataclass(frozen=True, slots=True)
class Earlier:
    """What is known of the last attempt to create the document whose outcome is not known."""

    attempt: Step | None  # the last CREATING_DOCUMENT record not followed by its document
    answer: str | None  # a person's answer since: a PayTraq document id, "" (not created)


def earlier_attempt(steps: list[Step]) -> Earlier:
    last = last_attempt(steps, CREATING_DOCUMENT, DOCUMENT_CHECKED, SETTLED)
    answer = None if last.answer is None else last.answer.detail.get("document_id", "")
    return Earlier(last.step, answer)


def earlier_document(accounting: AccountingPort, steps: list[Step], order: SalesOrder,
                     replaced: set[str], query_finds_ref: bool = False
                     ) -> SaleRecord | ReviewReason | None:
    """The document an earlier attempt created; None when it surely created none (or there was
    no attempt); a review reason when nobody can tell, or the person's answer does not fit.
    `replaced`: this order's voided Drafts, never its document again. `query_finds_ref`: the
    channel check showed `sales?query=` finds a DocumentRef, so a miss there is conclusive."""
    earlier = earlier_attempt(steps)
    if earlier.attempt is None or earlier.answer == "":
        return None
    if earlier.answer is not None:
        return _named(accounting, earlier.answer, order, steps, replaced)
    around = None if query_finds_ref else order.created_at.date()
    try:
        return accounting.find_sale_by_ref(order.order_id, around, replaced)
    except LookUpUnfinished as unfinished:
        return uncertain(order, steps, str(unfinished))


def uncertain(order: SalesOrder, steps: list[Step], why: str) -> ReviewReason:
    """The review: where to look, how to answer; it names the question it asks."""
    ref = order.order_id
    last = last_attempt(steps, CREATING_DOCUMENT, DOCUMENT_CHECKED, SETTLED)
    when = f" at {last.step.at:%Y-%m-%d %H:%M} UTC" if last.step is not None else ""
    question = last.question
    return ReviewReason.of(
        ReasonCode.DOCUMENT_UNCERTAIN,
        f"the document for order {ref} may have been created{when}: PayTraq's answer was lost, "
        f"and the look-up could not tell ({why}). Look in PayTraq → Sales for a document with "
        f"reference (DocumentRef) {ref}, dated around {order.created_at:%Y-%m-%d}, then run "
        f"`sales-inbox inbox document {ref} --question {question} --created DOCUMENT_ID` if it "
        "is there, or `--not-created` to create it now. It is never created twice by doubt.",
        order_id=ref,
        around=order.created_at.date(),
        question=question,
    )


def _named(accounting: AccountingPort, document_id: str, order: SalesOrder, steps: list[Step],
           replaced: set[str]) -> SaleRecord | ReviewReason:
    """The document a person named, if it is this order's: its DocumentRef is the order id,
    and it is not a Draft voided to be made again (an accepted rounding)."""
    try:
        sale = accounting.get_sale(document_id)
    except NotFound:
        return uncertain(order, steps, f"PayTraq has no document {document_id}, the one named "
                         "as created: check the number")
    if sale.ref != order.order_id:
        return uncertain(order, steps, f"PayTraq document {document_id}, named as created, has "
                         f"reference {sale.ref or '(none)'}, not {order.order_id}: check the "
                         "number")
    if sale.id in replaced:
        return uncertain(order, steps, f"PayTraq document {document_id}, named as created, is "
                         "the Draft voided to be made again: name the new one, or answer that "
                         "there is none")
    return sale  # voided by a person: the order stops there for review (document_voided)
