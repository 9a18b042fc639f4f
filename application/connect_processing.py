"""An order through PayTraq Connect: one call, then (with REST credentials) a read-back.

The service still builds the document and predicts PayTraq's totals: a predicted mismatch is
explained in the inbox (PayTraq will keep the document Draft and add no payment), a rounding
difference within the channel's limit is closed by an adjustment in the payload. Before the call
the item records that it is about to send; after a lost answer it never sends again by doubt:
with REST credentials it looks for the document by DocumentRef, otherwise (or when PayTraq's
inbox has not made it yet) a person answers (`inbox connect ORDER_ID --delivered|--not-delivered`).

PayTraq's inbox may make the document minutes after the delivery: with REST credentials the
item is visited again on the schedule of domain/connect_revisits.py, one PayTraq call a visit
(never a second delivery), until the document shows or the item goes to a person after 3 days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import structlog

from application.errors import LookUpUnfinished, SalesInboxError
from application.order_steps.run import TAX_KEYS_AGE
from application.ports import (
    AccountingPort,
    AutoSteps,
    Clock,
    ConnectPort,
    ConnectSale,
    SaleRecord,
    SaleSummary,
    WriteDialectStore,
)
from application.write_ahead import SENDING_TO_CONNECT as SENDING
from application.write_ahead import close_if_not_sent, last_attempt
from domain.connect_revisits import (
    GIVE_UP_AFTER,
    LISTING,
    is_last_visit,
    lookup_for_visit,
    revisit_due,
    visits,
)
from domain.documents import Document, build_document
from domain.inbox import DocumentRecord, InboxItem, InboxStatus, Step
from domain.order_sanity import order_sanity_problems, payment_due
from domain.paytraq_totals import TaxKey
from domain.reconciliation import MatchedWithAdjustment, Mismatch, ReconciliationPolicy
from domain.review import ReasonCode, ReviewReason
from domain.sale_status import SaleStatus
from domain.settings import Channel

logger = structlog.get_logger()

CONNECT_CHECKED = "connect_checked"  # a person's answer: detail delivered = "yes" | "no"


def earlier_delivery(steps: list[Step]) -> str | None:
    """What an order's steps say of its last delivery to Connect not yet recorded as sent:
    None — none, or closed (not sent, or a person found it not delivered); "unknown" — its
    answer was lost; "yes" — a person found it delivered."""
    last = last_attempt(steps, SENDING, CONNECT_CHECKED)
    if last.step is None:
        return None
    if last.answer is None:
        return "unknown"
    return "yes" if last.answer.detail.get("delivered") == "yes" else None

@dataclass
class ConnectProcessor:
    item: InboxItem
    channel: Channel
    connect: ConnectPort
    accounting: AccountingPort | None  # REST, when its credentials were given too
    clock: Clock
    commit: Callable[[], None]
    manual: bool = False  # a person asked: read back in full, whatever the schedule
    remembered: WriteDialectStore | None = None  # the channel's shared copy of the tax keys
    _tax_keys: dict[str, TaxKey] | None = None

    def run(self) -> None:
        sending = self.item.sent_at is None
        if sending and not self._send():
            return
        if self.item.document is None and self.accounting is not None:
            if sending or self.manual:
                self._read_back()
            else:
                self._revisit()
        self.commit()

    # --- sending -----------------------------------------------------------------------
    def _send(self) -> bool:
        earlier = earlier_delivery(self.item.steps)
        if earlier == "yes":
            self.item.sent_to_connect(self.clock.now(), confirmed_by="person")
            return True
        if earlier == "unknown":
            return self._recover()
        order = self.item.order
        insane = order_sanity_problems(order, self.channel.settings)
        if insane:  # before the call: nothing absurd reaches the books unseen
            return self._hold(insane)
        document, problems = self._document()
        if document is None:
            return self._hold(problems)
        result = self._policy().reconcile(order, document)
        if isinstance(result, MatchedWithAdjustment):
            document = document.with_adjustment(result.adjustment)
        self._declare()
        try:
            self.connect.send(ConnectSale(document, order.customer, order.total, order.taxes,
                                          self._steps()))
        except SalesInboxError as failed:
            close_if_not_sent(self.item.steps, SENDING, failed, self.clock.now())
            raise
        now = self.clock.now()
        self.item.sent_to_connect(now, predicted_total=document.totals().total)
        if isinstance(result, Mismatch):
            self.item.needs_review([_predicted(result)], now)
        self.commit()
        logger.info("sent_to_paytraq_connect", mismatch=isinstance(result, Mismatch))
        return True

    def _document(self) -> tuple[Document | None, list[ReviewReason]]:
        order = self.item.order
        by_code = {line.sku: line.sku for line in order.lines if line.sku}  # ItemCode = SKU
        draft = build_document(order, self.channel.settings, "", by_code, self._keys(),
                               order.created_at.date())
        return draft.document, list(draft.problems)

    def _policy(self) -> ReconciliationPolicy:
        return ReconciliationPolicy.for_settings(self.channel.settings, self._keys())

    def _keys(self) -> dict[str, TaxKey]:
        """PayTraq's tax keys when REST is available, else the channel's mapping (its rates)."""
        if self._tax_keys is None:
            self._tax_keys = ({key.id: key for key in self.accounting.tax_keys()}
                              if self.accounting is not None else self._mapped_keys())
        return self._tax_keys

    def _mapped_keys(self) -> dict[str, TaxKey]:
        return {key_id: TaxKey(key_id, "", rate) for rate, key_id in self.channel.settings.tax_keys}

    def _keys_without_a_call(self) -> dict[str, TaxKey]:
        """For a visit, whose one call is the look-up: the tax keys every worker shares (a day
        at most), else the channel's mapping (its rates are checked against PayTraq's when the
        channel is configured)."""
        shared = None if self.remembered is None else self.remembered.tax_keys(
            self.channel.id, not_before=self.clock.now() - TAX_KEYS_AGE)
        return self._mapped_keys() if shared is None else {key.id: key for key in shared}

    def _steps(self) -> AutoSteps:
        settings, order = self.channel.settings, self.item.order
        mapping = settings.payment_mapping_for(order.payment_method)
        pays = settings.add_payment and payment_due(order) and mapping is not None
        return AutoSteps(True, settings.approve, settings.send_email,
                         mapping.money_account_id if pays else None,
                         self.clock.now().date() if pays else None)

    # --- after a lost answer -----------------------------------------------------------
    def _recover(self) -> bool:
        try:
            found = self._find()
        except LookUpUnfinished:  # the listing could not finish: no better than not found
            found = None
        if found is not None:
            self.item.sent_to_connect(self.clock.now(), found_document=found.id)
            self._record(found)
            return True
        where = ("PayTraq → Sales → Sales Inbox (Pārdošanas iesūtne) and the sales documents"
                 f" for reference {self.item.order_id}")
        question = last_attempt(self.item.steps, SENDING, CONNECT_CHECKED).question
        return self._hold([ReviewReason.of(
            ReasonCode.CONNECT_UNCERTAIN,
            f"order {self.item.order_id} may have been delivered to PayTraq Connect: its answer "
            f"was lost and no document shows it yet. Check {where}, then run `sales-inbox inbox "
            f"connect {self.item.order_id} --question {question} --delivered` if it is there, "
            "or `--not-delivered` to send it again. It is never sent twice by doubt.",
            question=question)])

    def _find(self) -> SaleRecord | None:
        if self.accounting is None:
            return None
        order = self.item.order
        shown = self.remembered is not None and self.remembered.sales_query_shown(self.channel.id)
        return self.accounting.find_sale_by_ref(
            order.order_id, None if shown else order.created_at.date())

    # --- reading back (REST) -------------------------------------------------------------
    def _read_back(self) -> None:
        found = self._find()
        if found is not None:
            self._record(found)

    def _revisit(self) -> None:
        """A visit of the schedule (domain/connect_revisits.py): one PayTraq call, if due."""
        now = self.clock.now()
        if self.item.status is InboxStatus.FAILED:  # a look that timed out, retried: the
            self.item.retry(now)  # schedule goes on (it recorded no visit, so one is due)
        if not revisit_due(self.item, now):
            return
        how = lookup_for_visit(len(visits(self.item)) + 1)
        order = self.item.order
        found = self.accounting.look_up_sale(
            order.order_id, order.created_at.date() if how == LISTING else None)
        if found is not None:
            logger.info("paytraq_connect_document_found", how=how)
            self._tax_keys = self._keys_without_a_call()
            self._record(found)
            return
        last = is_last_visit(self.item, now)
        self.item.connect_looked_up(now, how)
        if last:
            self.item.connect_not_shown(_not_shown(self.item.order_id), now)

    def _record(self, sale: SaleRecord | SaleSummary) -> None:
        """The document PayTraq made: a full read (SaleRecord), or a list item (SaleSummary: its
        Header's total, no VAT — the VAT check is then the prediction's)."""
        now = self.clock.now()
        sale_type = sale.sale_type or self.channel.settings.document_type.value
        taxes = sale.tax if isinstance(sale, SaleRecord) else None
        self.item.document_created(
            DocumentRecord(sale.id, sale.ref, sale_type, sale.status, sale.total, True), now)
        if sale.status not in (SaleStatus.DRAFT, SaleStatus.VOIDED):
            self.item.document_finalised(sale.status, now)
        document, _ = self._document()
        if document is None:
            return
        result = self._policy().reconcile(self.item.order, document, paytraq_total=sale.total,
                                          paytraq_taxes=taxes)
        paytraq_total = result.paytraq_total if sale.total is None else sale.total
        if isinstance(result, Mismatch):
            self.item.shop_total, self.item.paytraq_total = result.shop_total, paytraq_total
            self.item.needs_review([_predicted(result)], now)
        else:
            self.item.reconciled(result.shop_total, paytraq_total, now)

    # --- records -----------------------------------------------------------------------
    def _declare(self) -> None:
        self.item.steps.append(Step(SENDING, self.clock.now(), {}))
        self.commit()

    def _hold(self, reasons: list[ReviewReason]) -> bool:
        self.item.needs_review(reasons, self.clock.now())
        self.commit()
        return False


def _predicted(result: Mismatch) -> ReviewReason:
    """PayTraq's own check keeps the document Draft and adds no payment (§9.4)."""
    reason = result.reason()
    message = reason.message.replace("The document stays Draft",
                                     "PayTraq keeps its document Draft")
    return ReviewReason(reason.code, message, reason.details)


def _not_shown(order_id: str) -> ReviewReason:
    days = GIVE_UP_AFTER.days
    return ReviewReason.of(
        ReasonCode.CONNECT_NOT_SHOWN,
        f"PayTraq has not shown the document for order {order_id} after {days} days: check "
        "PayTraq → Sales → Sales Inbox (Pārdošanas iesūtne) for the message of this order and "
        "process it there (or find the document by reference "
        f"{order_id}), then press \"process now\" to read it back — or mark the order handled "
        "by hand. It is not sent to PayTraq Connect again.")


def connect_processor(item: InboxItem, channel: Channel, gateways, clock: Clock,
                      commit: Callable[[], None], manual: bool = False,
                      remembered: WriteDialectStore | None = None) -> ConnectProcessor:
    return ConnectProcessor(item, channel, gateways.connect(channel.id),
                            gateways.paytraq_rest(channel.id), clock, commit, manual, remembered)
