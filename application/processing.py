"""Take one order as far as the channel's switches allow (the seed's automatic processing).

Every step with an outside effect is idempotent by a natural key: the document by DocumentRef =
Mozello order id (always asked before creating); approve/post by the status read back; the
payment by document + order id (asked whenever an earlier attempt was written down before it
was made); the e-mail by the document's message log. Replaying a message any number of times
leaves PayTraq as one delivery would, at the fewest calls PayTraq's 1 request/s allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

import structlog

from application.clients import ClientDataInvalid, find_or_create_client
from application.errors import PermanentError
from application.ports import (
    AccountingPort,
    ClientCache,
    Clock,
    MailerPort,
    PaymentRequest,
    SaleRecord,
)
from application.storage_ports import SkuCache
from domain.documents import Document, build_document, document_comment
from domain.inbox import DocumentRecord, InboxItem, PaymentRecord, Step
from domain.reconciliation import MatchedWithAdjustment, Mismatch, ReconciliationPolicy
from domain.review import ReasonCode, ReviewReason
from domain.settings import Channel

logger = structlog.get_logger()

POSTED_TYPES = {"sales_invoice", "sales_receipt", "credit_note"}
APPROVED_STATUS = {"sales_order": "in_process", "sales_proforma": "wait_payment",
                   "sales_estimate": "in_process"}
ADDING_PAYMENT = "adding_payment"
SKU_CACHE_AGE = timedelta(days=1)


@dataclass
class OrderProcessor:
    item: InboxItem
    channel: Channel
    accounting: AccountingPort
    mailer: MailerPort
    clients: ClientCache
    clock: Clock
    commit: Callable[[], None]
    sku_cache: SkuCache | None = None

    def __post_init__(self) -> None:
        self.settings = self.channel.settings
        self.order = self.item.order
        self._tax_keys = None

    def run(self) -> None:
        sale = self.ensure_document()
        if sale is None:
            return
        if sale.status == "voided":
            self._hold([
                ReviewReason.of(
                    ReasonCode.DOCUMENT_VOIDED,
                    f"PayTraq document {sale.id} of this order is voided: nothing more is done "
                    "automatically; book the sale in PayTraq by hand if it still stands",
                    document_id=sale.id,
                )
            ])
            return
        if not self.reconcile(sale):
            return
        sale = self.finalise(sale)
        problems = self.add_payment(sale) + self.send_email(sale)
        now = self.clock.now()
        if problems:
            self.item.needs_review(problems, now)
        else:
            self.item.clear_review(now)
        self.commit()

    # --- the document ------------------------------------------------------------------
    def tax_keys(self):
        if self._tax_keys is None:
            self._tax_keys = {key.id: key for key in self.accounting.tax_keys()}
        return self._tax_keys

    def policy(self) -> ReconciliationPolicy:
        return ReconciliationPolicy.for_settings(self.settings, self.tax_keys())

    def item_id(self, sku: str) -> str | None:
        """PayTraq's ItemID for a SKU: from the shared cache (a day at most), else PayTraq."""
        cache, now = self.sku_cache, self.clock.now()
        if cache is not None:
            cached = cache.get(self.channel.id, sku, not_before=now - SKU_CACHE_AGE)
            if cached:
                return cached
        found = self.accounting.find_item_id(sku)
        if found and cache is not None:
            cache.put(self.channel.id, sku, found, now)
            self.commit()  # never hold a write across the next API call
        return found

    def forget_items(self) -> None:
        for sku in {line.sku for line in self.order.lines if line.sku}:
            self.accounting.forget_item(sku)
            if self.sku_cache is not None:
                self.sku_cache.forget(self.channel.id, sku)
        self.commit()

    def build(self, client_id: str) -> tuple[Document | None, list[ReviewReason]]:
        item_ids = {line.sku: self.item_id(line.sku) for line in self.order.lines if line.sku}
        draft = build_document(
            self.order,
            self.settings,
            client_id,
            item_ids,
            self.tax_keys(),
            self.order.created_at.date(),
        )
        return draft.document, list(draft.problems)

    def ensure_document(self) -> SaleRecord | None:
        if self.item.document is not None:
            return self.accounting.get_sale(self.item.document.id)
        existing = self.accounting.find_sale_by_ref(self.order.order_id)
        if existing is not None and existing.id not in self.item.replaced_documents():
            self._record_document(existing, adopted=True)
            return existing
        try:
            client_id = find_or_create_client(
                self.order.customer, self.accounting, self.clients, self.channel.id
            )
        except ClientDataInvalid as invalid:
            self._hold([invalid.reason])
            return None
        self.commit()  # the client cache: never hold a write across the next API calls
        document, problems = self.build(client_id)
        if document is None:
            self._hold(problems)
            return None
        result = self.policy().reconcile(self.order, document)
        if isinstance(result, MatchedWithAdjustment):
            document = document.with_adjustment(result.adjustment)
        try:
            sale_id = self.accounting.create_sale(document)
        except PermanentError:
            self.forget_items()  # a product deleted in PayTraq: look its SKU up afresh next time
            raise
        sale = self.accounting.get_sale(sale_id)
        self._record_document(sale, adopted=False)
        return sale

    def _record_document(self, sale: SaleRecord, adopted: bool) -> None:
        record = DocumentRecord(sale.id, sale.ref, sale.sale_type, sale.status, sale.total, adopted)
        self.item.document_created(record, self.clock.now())
        self.commit()
        logger.info("document_created", document_id=sale.id, adopted=adopted, total=str(sale.total))

    def _hold(self, reasons: list[ReviewReason]) -> None:
        self.item.needs_review(reasons, self.clock.now())
        self.commit()
        logger.info("order_needs_review", reasons=[r.code.value for r in reasons])

    # --- totals ------------------------------------------------------------------------
    def reconcile(self, sale: SaleRecord) -> bool:
        """Mozello total vs PayTraq's own total of the document; a mismatch keeps it Draft."""
        if self.item.document is not None:
            self.item.document.total = sale.total
            self.item.document.status = sale.status
        document, _ = self.build(sale.client_id or "?")
        now = self.clock.now()
        if document is None:
            matched = sale.total == self.order.total
            if not matched:
                self._hold([
                    ReviewReason.of(
                        ReasonCode.TOTALS_MISMATCH,
                        f"Mozello total {self.order.total} differs from the PayTraq document "
                        f"total {sale.total} by {self.order.total - sale.total}. The document "
                        "stays Draft and no payment is added.",
                        shop_total=self.order.total,
                        paytraq_total=sale.total,
                    )
                ])
                return False
            self.item.reconciled(self.order.total, sale.total, now)
            return True
        result = self.policy().reconcile(
            self.order, document, paytraq_total=sale.total, paytraq_taxes=sale.tax
        )
        if isinstance(result, Mismatch):
            self.item.shop_total, self.item.paytraq_total = result.shop_total, result.paytraq_total
            self._hold([result.reason()])
            return False
        self.item.reconciled(result.shop_total, result.paytraq_total, now)
        return True

    # --- approve / post ----------------------------------------------------------------
    def finalise(self, sale: SaleRecord) -> SaleRecord:
        if sale.is_draft and self.settings.approve:
            if sale.sale_type in POSTED_TYPES:
                self.accounting.post_sale(sale.id)
                sale = replace(sale, status="wait_payment")
            else:
                self.accounting.approve_sale(sale.id)
                sale = replace(sale, status=APPROVED_STATUS.get(sale.sale_type, "in_process"))
        if not sale.is_draft and sale.status != "voided" and not self.item.is_finalised:
            self.item.document_finalised(sale.status, self.clock.now())
            self.commit()
        return sale

    # --- payment -----------------------------------------------------------------------
    def add_payment(self, sale: SaleRecord) -> list[ReviewReason]:
        if not self.settings.add_payment or not self.order.is_paid or self.item.payment:
            return []
        method = self.order.payment_method
        mapping = self.settings.payment_mapping_for(method)
        if mapping is None:
            return [
                ReviewReason.of(
                    ReasonCode.UNMAPPED_PAYMENT_METHOD,
                    f"payment method '{method}' has no PayTraq money account in the channel's "
                    "payment settings (Apmaksu uzstādījumi); the payment was not added",
                    method=method,
                )
            ]
        overpayment = sale.sale_type == "sales_order"
        if not overpayment and sale.is_draft:
            return [
                ReviewReason.of(
                    ReasonCode.PAYMENT_NEEDS_FINAL_DOCUMENT,
                    f"the {sale.sale_type} is still Draft (Approve/Post is off): post it in "
                    "PayTraq, then process the order again to add the payment",
                )
            ]
        reference = self.order.order_id
        # Only an earlier attempt can have booked it: ask PayTraq then, and never book twice.
        receipt = (
            self.accounting.find_payment(sale.id, reference) if self._declared(ADDING_PAYMENT)
            else None
        )
        if receipt is None:
            self._declare(ADDING_PAYMENT, amount=self.order.total,
                          money_account_id=mapping.money_account_id)
            receipt = self.accounting.add_payment(
                sale.id,
                PaymentRequest(
                    amount=self.order.total,
                    date=self.clock.now().date(),
                    money_account_id=mapping.money_account_id,
                    comment=document_comment(self.order),
                    reference=reference,
                    sale_type=sale.sale_type,
                ),
            )
        self.item.payment_added(
            PaymentRecord(
                receipt.amount, mapping.money_account_id, receipt.overpayment, self.clock.now(),
                receipt.paytraq_id,
            )
        )
        self.commit()
        logger.info("payment_added", amount=str(receipt.amount), overpayment=receipt.overpayment)
        return []

    def _declared(self, intent: str) -> bool:
        return any(step.name == intent for step in self.item.steps)

    def _declare(self, intent: str, **detail: object) -> None:
        """Write down, before an outside write, that it is about to happen: a retry after a
        crash then knows to look in PayTraq first."""
        self.item.steps.append(
            Step(intent, self.clock.now(), {k: str(v) for k, v in detail.items()})
        )
        self.commit()

    # --- e-mail ------------------------------------------------------------------------
    def send_email(self, sale: SaleRecord) -> list[ReviewReason]:
        if not self.settings.send_email or self.item.emailed_at is not None or sale.is_draft:
            return []
        to = self.order.customer.email.strip()
        if not to:
            return [ReviewReason.of(ReasonCode.EMAIL_NOT_SENT, "the order has no e-mail address")]
        if not self.mailer.already_sent(self.item, sale):
            try:
                self.mailer.send_document(self.item, sale, to)
            except PermanentError as refused:
                return [
                    ReviewReason.of(
                        ReasonCode.EMAIL_NOT_SENT,
                        f"the document could not be e-mailed to {to}: {refused}",
                        to=to,
                    )
                ]
        self.item.emailed(to, self.mailer.via, self.clock.now())
        self.commit()
        logger.info("document_emailed", via=self.mailer.via)
        return []
