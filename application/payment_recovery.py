"""Was a payment booked by an attempt whose answer was lost? (never a second payment by doubt)

Before each payment the processor writes down what it is about to book and what the document
showed just before (`intent`). Only when such a record exists without a booked payment does
anyone ask PayTraq again — a fresh order costs no look-up. An invoice shows its payments
(`Payments/Payment`, R3): a new row of our amount means booked; no new row and the same amount
due means not booked. A sales order's payment becomes the client's overpayment, which the
document never shows, and PayTraq offers no reliable way to find it: unless the payments list
shows it, a person decides (`inbox payment ORDER_ID --booked | --not-booked`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from application.ports import AccountingPort, PaymentReceipt, SaleRecord
from application.write_ahead import ADDING_PAYMENT, last_attempt
from domain.inbox import Step
from domain.orders import SalesOrder
from domain.review import ReasonCode, ReviewReason

PAYMENT_CHECKED = "payment_checked"  # a person's answer: detail booked = "yes" | "no"


@dataclass(frozen=True, slots=True)
class PaymentIntent:
    amount: Decimal
    money_account_id: str
    payments_before: int | None = None
    due_before: Decimal | None = None

    @classmethod
    def before(cls, amount: Decimal, money_account_id: str, sale: SaleRecord) -> PaymentIntent:
        return cls(amount, money_account_id, len(sale.payments), sale.amount_due)

    def detail(self) -> dict[str, object]:
        return {"amount": self.amount, "money_account_id": self.money_account_id,
                "payments_before": self.payments_before, "due_before": self.due_before}

    @classmethod
    def of(cls, step: Step) -> PaymentIntent:
        d = step.detail
        count, due = d.get("payments_before"), d.get("due_before")
        return cls(Decimal(d.get("amount") or "0"), d.get("money_account_id", ""),
                   int(count) if count not in (None, "", "None") else None,
                   Decimal(due) if due not in (None, "", "None") else None)


def unanswered_attempt(steps: list[Step]) -> tuple[Step | None, str | None]:
    """The last payment attempt, and a person's answer about it ("yes"/"no") if given since."""
    last = last_attempt(steps, ADDING_PAYMENT, PAYMENT_CHECKED)
    return last.step, None if last.answer is None else last.answer.detail.get("booked")


def nothing_to_look_up(steps: list[Step]) -> bool:
    """No earlier attempt, or a person said it booked nothing: no payment to look for."""
    attempt, answer = unanswered_attempt(steps)
    return attempt is None or answer == "no"


def earlier_payment(accounting: AccountingPort, sale: SaleRecord, steps: list[Step],
                    order: SalesOrder) -> PaymentReceipt | ReviewReason | None:
    """The payment an earlier attempt booked; None when it surely booked nothing (or there
    was none); a review reason when nobody can tell."""
    if nothing_to_look_up(steps):
        return None
    attempt, answer = unanswered_attempt(steps)
    intent = PaymentIntent.of(attempt)
    overpayment = sale.sale_type == "sales_order"
    if answer == "yes":
        return PaymentReceipt(intent.amount, overpayment, None)
    if not overpayment and intent.payments_before is not None:
        fresh = accounting.get_sale(sale.id)
        new = fresh.payments[intent.payments_before:]
        ours = next((p for p in new if p.amount == intent.amount), None)
        if ours is not None:
            return PaymentReceipt(ours.amount, False, ours.paytraq_id)
        if not new and fresh.amount_due == intent.due_before:
            return None
    found = accounting.find_payment(sale.id, order.order_id)
    if found is not None:
        return found
    return _uncertain(intent, sale, order, attempt, overpayment,
                      last_attempt(steps, ADDING_PAYMENT, PAYMENT_CHECKED).question)


def _uncertain(intent: PaymentIntent, sale: SaleRecord, order: SalesOrder, attempt: Step,
               overpayment: bool, question: str) -> ReviewReason:
    where = (
        f"the overpayments (advances) of client {order.customer.name or sale.client_id} "
        f"(PayTraq client {sale.client_id})" if overpayment
        else f"the payments of document {sale.ref} (PayTraq document {sale.id})"
    )
    return ReviewReason.of(
        ReasonCode.PAYMENT_UNCERTAIN,
        f"payment of {intent.amount} {order.currency} to money account {intent.money_account_id} "
        f"may have been booked at {attempt.at:%Y-%m-%d %H:%M} UTC: PayTraq's answer was lost and "
        "PayTraq offers no reliable way to check. Check " + where + " in PayTraq, then run "
        f"`sales-inbox inbox payment {order.order_id} --question {question} --booked` if it is "
        "there, or "
        "`--not-booked` to book it now. It is never booked twice by doubt.",
        amount=intent.amount,
        money_account_id=intent.money_account_id,
        document_id=sale.id,
        client_id=sale.client_id,
        question=question,
    )
