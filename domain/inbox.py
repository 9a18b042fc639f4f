"""An inbox item: one Mozello order of one channel, and every step taken for it.

Its statuses are in domain/inbox_status.py, its records in domain/inbox_records.py.

Over 250 lines on purpose: this is the item's state machine — every transition, and what the
item still owes (`owes()`), checked in one class so no caller can move an item around a rule."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from domain.errors import IllegalInboxTransition
from domain.inbox_records import DocumentRecord, Owed, PaymentRecord, Step
from domain.inbox_status import ALLOWED, CLOSED_BY_PERSON, InboxStatus
from domain.order_sanity import payment_due
from domain.orders import PaymentStatus, SalesOrder
from domain.review import ReviewReason
from domain.settings import ChannelSettings

S = InboxStatus
SENT_TO_CONNECT = "sent_to_paytraq_connect"  # the step: handed to PayTraq Connect
CONNECT_LOOKED_UP = "paytraq_connect_looked_up"  # the step: looked for its document, not found
CONNECT_NOT_SHOWN = "paytraq_connect_not_shown"  # the step: no longer looked for (a person is)
WAITING_FOR_BUDGET = "waiting_for_budget"  # the step: the API's daily budget is spent
DOCUMENT_CREATED = "document_created"  # the step: the document recorded, as created
DOCUMENT_ADOPTED = "document_adopted"  # the step: the document recorded, found in PayTraq
__all__ = ["DocumentRecord", "InboxItem", "InboxStatus", "Owed", "PaymentRecord", "Step",
           "IllegalInboxTransition"]


@dataclass(slots=True)
class InboxItem:
    channel_id: str
    order_id: str
    order: SalesOrder
    received_at: datetime
    status: InboxStatus = InboxStatus.RECEIVED
    updated_at: datetime | None = None
    document: DocumentRecord | None = None
    document_created_at: datetime | None = None
    finalised_at: datetime | None = None
    payment: PaymentRecord | None = None
    emailed_at: datetime | None = None
    emailed_to: str = ""
    cancelled_at: datetime | None = None
    reasons: list[ReviewReason] = field(default_factory=list)
    error: str | None = None
    error_transient: bool = False
    attempts: int = 0
    paytraq_calls: int = 0
    shop_total: Decimal | None = None
    paytraq_total: Decimal | None = None
    steps: list[Step] = field(default_factory=list)
    version: int = 0

    # --- status machine -------------------------------------------------------------
    def _move(self, wanted: InboxStatus, at: datetime, step: str, **detail: object) -> None:
        if wanted is not self.status and wanted not in ALLOWED[self.status]:
            raise IllegalInboxTransition(self.order_id, self.status, wanted)
        self.status = wanted
        self.updated_at = at
        self.steps.append(Step(step, at, {k: str(v) for k, v in detail.items() if v is not None}))

    def progress_status(self) -> InboxStatus:
        """The furthest business milestone reached, ignoring review/failure flags."""
        milestones = [
            (self.sent_at, S.SENT),
            (self.document_created_at, S.DOCUMENT_CREATED),
            (self.finalised_at, S.APPROVED),
            (self.payment.at if self.payment else None, S.PAID),
            (self.emailed_at, S.EMAILED),
        ]
        reached = [(at, status) for at, status in milestones if at is not None]
        if not reached:
            return S.RECEIVED
        return max(reached, key=lambda pair: pair[0])[1]

    @property
    def sent_at(self) -> datetime | None:
        """When the order was handed to PayTraq Connect (one call; no document id comes back)."""
        return next((step.at for step in self.steps if step.name == SENT_TO_CONNECT), None)

    @property
    def awaits_connect_document(self) -> bool:
        """Sent to PayTraq Connect, its document not seen yet, and still looked for by the
        service (domain/connect_revisits.py): not given up, nor in a person's hands but for
        the explanation of a predicted totals mismatch (PayTraq keeps that document Draft)."""
        return (self.sent_at is not None and self.document is None
                and self.status in (S.SENT, S.NEEDS_REVIEW)
                and not any(step.name == CONNECT_NOT_SHOWN for step in self.steps))

    @property
    def is_cancelled(self) -> bool:
        return self.status is S.CANCELLED

    @property
    def is_closed_by_person(self) -> bool:
        return self.status in CLOSED_BY_PERSON

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None

    # --- what happens to an order ---------------------------------------------------
    def record_snapshot(self, order: SalesOrder, at: datetime) -> bool:
        """A newer look at the same order (payment, dispatch...). True when anything changed."""
        if order.order_id != self.order_id:
            raise ValueError(f"snapshot of {order.order_id} given to item {self.order_id}")
        order = self._never_back(order)
        if order == self.order:
            return False
        before = self.order
        self.order = order
        self.updated_at = at
        self.steps.append(
            Step(
                "snapshot",
                at,
                {"payment_status": order.payment_status.value, "was": before.payment_status.value},
            )
        )
        return True

    def _never_back(self, order: SalesOrder) -> SalesOrder:
        """Mozello retries deliveries for up to 48 h and keeps no order between them: a late,
        older snapshot must not undo a payment or a dispatch already seen."""
        if self.order.is_paid and not order.is_paid:
            order = replace(order, payment_status=PaymentStatus.PAID)
        if self.order.dispatched and not order.dispatched:
            order = replace(order, dispatched=True, archived=self.order.archived or order.archived)
        return order

    def sent_to_connect(self, at: datetime, **detail: object) -> None:
        if self.sent_at is not None:
            return
        self._move(S.SENT, at, SENT_TO_CONNECT, **detail)
        self.error = None

    def connect_looked_up(self, at: datetime, how: str) -> None:
        """Its document was looked for in PayTraq (one call, `how`) and not found yet."""
        self.steps.append(Step(CONNECT_LOOKED_UP, at, {"how": how}))

    def connect_not_shown(self, reason: ReviewReason, at: datetime) -> None:
        """Looked for long enough: a person checks PayTraq's Sales Inbox."""
        self.steps.append(Step(CONNECT_NOT_SHOWN, at, {}))
        self.needs_review([reason], at)

    def document_created(self, record: DocumentRecord, at: datetime) -> None:
        if self.document is not None:
            return
        self._move(
            S.DOCUMENT_CREATED,
            at,
            DOCUMENT_ADOPTED if record.adopted else DOCUMENT_CREATED,
            document_id=record.id,
            sale_type=record.sale_type,
            total=record.total,
        )
        self.document = record
        self.document_created_at = at
        self.reasons = []
        self.error = None

    def reconciled(self, shop_total: Decimal, paytraq_total: Decimal, at: datetime) -> None:
        """Totals agree: leave review (if we were there) for the progress reached."""
        self.shop_total, self.paytraq_total = shop_total, paytraq_total
        if self.status in (S.NEEDS_REVIEW, S.FAILED):
            self._move(self.progress_status(), at, "reconciled", total=paytraq_total)
            self.reasons = []
            self.error = None

    def document_finalised(self, status: str, at: datetime) -> None:
        if self.finalised_at is not None:
            return
        if self.document is None:
            raise IllegalInboxTransition(self.order_id, self.status, S.APPROVED)
        self._move(S.APPROVED, at, "document_finalised", document_id=self.document.id, status=status)
        self.document.status = status
        self.finalised_at = at

    def payment_added(self, payment: PaymentRecord) -> None:
        if self.payment is not None:
            return
        if self.document is None:
            raise IllegalInboxTransition(self.order_id, self.status, S.PAID)
        self._move(
            S.PAID,
            payment.at,
            "overpayment_added" if payment.overpayment else "payment_added",
            amount=payment.amount,
            money_account_id=payment.money_account_id,
            paytraq_id=payment.paytraq_id,
        )
        self.payment = payment

    def emailed(self, to: str, via: str, at: datetime) -> None:
        if self.emailed_at is not None:
            return
        if self.document is None:
            raise IllegalInboxTransition(self.order_id, self.status, S.EMAILED)
        self._move(S.EMAILED, at, "emailed", to=to, via=via, document_id=self.document.id)
        self.emailed_at = at
        self.emailed_to = to

    def needs_review(self, reasons: list[ReviewReason], at: datetime) -> None:
        if self.status is S.NEEDS_REVIEW and self.reasons == list(reasons):
            return
        self._move(S.NEEDS_REVIEW, at, "needs_review", reasons="; ".join(r.message for r in reasons))
        self.reasons = list(reasons)

    def clear_review(self, at: datetime) -> None:
        if self.status is S.NEEDS_REVIEW:
            self._move(self.progress_status(), at, "review_cleared")
            self.reasons = []

    def failed(self, error: str, at: datetime, transient: bool = False) -> None:
        """A step broke. `transient` (timeout, 5xx, rate limit): the worker retries by itself."""
        self.attempts += 1
        self._move(S.FAILED, at, "failed", error=error, transient=transient)
        self.error = error
        self.error_transient = transient

    def wait_for_budget(self, reason: str, resets_at: datetime, at: datetime) -> None:
        """The API's daily budget is spent: the order waits for its reset and then goes on by
        itself. Not an attempt: waiting spends none of the order's retries."""
        self._move(S.FAILED, at, WAITING_FOR_BUDGET, error=reason, resets_at=resets_at.isoformat())
        self.error = reason
        self.error_transient = True

    @property
    def budget_resets_at(self) -> datetime | None:
        """When the daily budget this failed order waits for resets (None: not waiting)."""
        if self.status is not S.FAILED or not self.steps or self.steps[-1].name != WAITING_FOR_BUDGET:
            return None
        return datetime.fromisoformat(self.steps[-1].detail["resets_at"])

    def retry(self, at: datetime) -> None:
        if self.status is S.FAILED:
            self._move(self.progress_status(), at, "retry")
            self.error = None
        elif self.status in CLOSED_BY_PERSON:
            self._move(self.progress_status(), at, "reopened")

    # --- what a person decides ----------------------------------------------------------
    def handled_by_hand(self, by: str, at: datetime, note: str = "") -> None:
        """A person dealt with the order outside Sales Inbox (e.g. corrected it in PayTraq)."""
        self._move(S.HANDLED, at, "handled_by_hand", by=by, note=note or None)
        self.reasons, self.error = [], None

    def ignore(self, by: str, at: datetime, note: str = "") -> None:
        """A person decided nothing is to be done for this order (a test order, a duplicate)."""
        self._move(S.IGNORED, at, "ignored", by=by, note=note or None)
        self.reasons, self.error = [], None

    def document_replaced(self, by: str, at: datetime) -> None:
        """The Draft was voided in PayTraq to be created again (with a rounding adjustment)."""
        if self.document is None:
            raise IllegalInboxTransition(self.order_id, self.status, S.RECEIVED)
        voided = self.document.id
        self._move(S.RECEIVED, at, "document_voided", document_id=voided, by=by,
                   why="rounding accepted")
        self.document, self.document_created_at = None, None
        self.reasons, self.error = [], None

    def replaced_documents(self) -> set[str]:
        """Voided Drafts of this order: never adopted again as its document."""
        return {s.detail.get("document_id", "") for s in self.steps if s.name == "document_voided"}

    def wants_processing(self, settings: ChannelSettings, requested_by_person: bool) -> bool:
        """Whether to run the order steps now: a person asked, or a transient failure is being
        retried, or a Connect order's document is still looked for, or the channel's trigger is
        met. A cancelled order never; one a person closed (handled by hand, ignored) only when a
        person asks again."""
        if self.is_cancelled or (self.is_closed_by_person and not requested_by_person):
            return False
        retrying = self.status is S.FAILED and self.error_transient
        return (requested_by_person or retrying or self.awaits_connect_document
                or settings.ready_to_process(self.order))

    def awaits_work(self, settings: ChannelSettings) -> bool:
        """Whether automatic processing still owes this order a step (for the sweeper that
        re-enqueues orders a dead worker left half-way). Review and permanent failures wait
        for a person instead."""
        if self.status in (S.CANCELLED, S.NEEDS_REVIEW, *CLOSED_BY_PERSON):
            return False
        if self.status is S.FAILED:
            return self.error_transient
        if not settings.auto_process or self.sent_at is not None:
            return False  # after PayTraq Connect, its Sales Inbox does the steps (the document
            # is only looked for: domain/connect_revisits.py)
        if self.document is None:
            return settings.ready_to_process(self.order)
        return bool(self.owes(settings))

    def owes(self, settings: ChannelSettings) -> Owed:
        """The steps still owed: approve/post when the channel approves; the payment once the
        order is paid (and its total above zero); the e-mail once the document is final."""
        return Owed(
            finalise=settings.approve and not self.is_finalised,
            payment=settings.add_payment and payment_due(self.order) and self.payment is None,
            email=settings.send_email and self.is_finalised and self.emailed_at is None,
        )

    def cancel(self, at: datetime) -> None:
        if self.status is S.CANCELLED:
            return
        self._move(S.CANCELLED, at, "cancelled", document_id=self.document.id if self.document else None)
        self.cancelled_at = at
