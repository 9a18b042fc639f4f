"""Was the document created by an attempt whose answer was lost? (never a second one by doubt)

Before `POST sale` the processor writes down that it is about to create the document
(`CREATING_DOCUMENT`). Only when such a record exists without a recorded document does anyone
ask PayTraq again: by DocumentRef (the Mozello order id), then — `sales?query=` may not match
DocumentRef (DECISIONS R4) — through a bounded listing of the sales around the document date,
unless `channel check` showed `query` finding a DocumentRef (then a miss is conclusive).
When that listing cannot finish (more pages than the bound, or paging not honoured), a missing
document cannot be ruled out: a person looks in PayTraq and answers
(`inbox document ORDER_ID --created DOCUMENT_ID | --not-created`).
"""

from __future__ import annotations

from dataclasses import dataclass

from application.errors import LookUpUnfinished, NotFound
from application.ports import AccountingPort, SaleRecord
from application.write_ahead import CREATING_DOCUMENT
from domain.inbox import Step
from domain.orders import SalesOrder
from domain.review import ReasonCode, ReviewReason

DOCUMENT_CHECKED = "document_checked"  # a person's answer: detail document_id ("" = none)


@dataclass(frozen=True, slots=True)
class Earlier:
    """What is known of an earlier attempt to create the document."""

    attempt: Step | None  # the last CREATING_DOCUMENT record
    answer: str | None  # a person's answer since: a PayTraq document id, "" (not created)


def earlier_attempt(steps: list[Step]) -> Earlier:
    attempt, answer = None, None
    for step in steps:
        if step.name == CREATING_DOCUMENT:
            attempt, answer = step, None
        elif step.name == DOCUMENT_CHECKED and attempt is not None:
            answer = step.detail.get("document_id", "")
    return Earlier(attempt, answer)


def earlier_document(accounting: AccountingPort, steps: list[Step], order: SalesOrder,
                     query_finds_ref: bool = False) -> SaleRecord | ReviewReason | None:
    """The document an earlier attempt created; None when it surely created none (or there was
    no attempt); a review reason when nobody can tell, or the person's answer does not fit.
    `query_finds_ref`: the channel check showed `sales?query=` finds a DocumentRef, so a miss
    there is conclusive (no listing by date)."""
    earlier = earlier_attempt(steps)
    if earlier.attempt is None or earlier.answer == "":
        return None
    if earlier.answer is not None:
        return _named(accounting, earlier.answer, order, earlier.attempt)
    try:
        around = None if query_finds_ref else order.created_at.date()
        return accounting.find_sale_by_ref(order.order_id, around)
    except LookUpUnfinished as unfinished:
        return uncertain(order, earlier.attempt, str(unfinished))


def uncertain(order: SalesOrder, attempt: Step, why: str) -> ReviewReason:
    ref = order.order_id
    return ReviewReason.of(
        ReasonCode.DOCUMENT_UNCERTAIN,
        f"the document for order {ref} may have been created at {attempt.at:%Y-%m-%d %H:%M} "
        f"UTC: PayTraq's answer was lost, and the look-up could not tell ({why}). Look in "
        f"PayTraq → Sales for a document with reference (DocumentRef) {ref}, dated around "
        f"{order.created_at:%Y-%m-%d}, then run `sales-inbox inbox document {ref} --created "
        "DOCUMENT_ID` if it is there, or `--not-created` to create it now. It is never "
        "created twice by doubt.",
        order_id=ref,
        around=order.created_at.date(),
    )


def _named(accounting: AccountingPort, document_id: str, order: SalesOrder,
           attempt: Step) -> SaleRecord | ReviewReason:
    """The document a person named, if it is this order's (its DocumentRef is the order id)."""
    try:
        sale = accounting.get_sale(document_id)
    except NotFound:
        return uncertain(order, attempt, f"PayTraq has no document {document_id}, the one "
                         "named as created: check the number")
    if sale.ref != order.order_id:
        return uncertain(order, attempt, f"PayTraq document {document_id}, named as created, "
                         f"has reference {sale.ref or '(none)'}, not {order.order_id}: check "
                         "the number")
    return sale
