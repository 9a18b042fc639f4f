"""What the order page shows beyond the stored item: the PayTraq document as Sales Inbox builds
it, PayTraq's own totals, and the reconciliation per tax key. PayTraq is asked at most twice
(tax keys, the sale); when it cannot be reached the page says so and shows the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import structlog

from application.errors import SalesInboxError
from application.ports import Gateways, SaleRecord
from domain.documents import Document, build_document
from domain.inbox import InboxItem
from domain.person_decisions import RoundingNotAcceptable, check_rounding_acceptable
from domain.reconciliation import (
    MatchedWithAdjustment,
    Mismatch,
    ReconciliationPolicy,
    TaxKeyBreakdown,
)
from domain.settings import Channel

logger = structlog.get_logger()
PAYTRAQ_APP = "https://go.paytraq.com/"


@dataclass
class TaxKeyRow:
    key: TaxKeyBreakdown
    shop_gross: Decimal

    @property
    def off(self) -> bool:
        """A shop VAT rate mapped to a tax key of another rate: the wrong tax group."""
        rate = self.key.tax_key_rate or Decimal(0)
        return any((shop or Decimal(0)) != rate for shop in self.key.shop_rates)


@dataclass
class OrderPicture:
    document: Document | None = None
    problems: list = field(default_factory=list)
    sale: SaleRecord | None = None
    rows: list[TaxKeyRow] = field(default_factory=list)
    mismatch: Mismatch | None = None
    unreachable: str | None = None
    rounding_refusal: str | None = None


def paytraq_link(document_id: str | None) -> str | None:
    """A link to open the document in PayTraq (the web app's sale page)."""
    return f"{PAYTRAQ_APP}#sales/sale/{document_id}" if document_id else None


def picture(item: InboxItem, channel: Channel, gateways: Gateways) -> OrderPicture:
    result = OrderPicture()
    try:
        check_rounding_acceptable(item, channel.settings)
    except RoundingNotAcceptable as refused:
        result.rounding_refusal = str(refused)
    try:
        accounting = gateways.accounting(channel.id)
        keys = {key.id: key for key in accounting.tax_keys()}
        if item.document is not None:
            result.sale = accounting.get_sale(item.document.id)
    except (SalesInboxError, OSError) as error:
        logger.warning("order_page_paytraq_unreachable", error=str(error))
        result.unreachable = str(error)
        return result
    order = item.order
    placeholder_ids = {line.sku: f"({line.sku})" for line in order.lines if line.sku}
    client = result.sale.client_id if result.sale else "—"
    draft = build_document(order, channel.settings, client, placeholder_ids, keys,
                           order.created_at.date())
    result.document, result.problems = draft.document, list(draft.problems)
    if draft.document is None:
        return result
    policy = ReconciliationPolicy.for_settings(channel.settings, keys)
    sale = result.sale
    as_new = policy.reconcile(order, draft.document)
    if isinstance(as_new, MatchedWithAdjustment) and (sale is None or sale.total == order.total):
        # as the processor made it: with the no-VAT rounding line
        result.document = draft.document.with_adjustment(as_new.adjustment)
    outcome = policy.reconcile(order, result.document,
                               paytraq_total=sale.total if sale else None,
                               paytraq_taxes=sale.tax if sale else None)
    result.mismatch = outcome if isinstance(outcome, Mismatch) else None
    shop_gross: dict[str, Decimal] = {}
    for shop_line, doc_line in zip(order.lines, result.document.lines, strict=False):
        key = doc_line.tax_key.id
        shop_gross[key] = shop_gross.get(key, Decimal(0)) + shop_line.gross_value
    if order.shipping is not None and result.document.shipping is not None:
        key = result.document.shipping.tax_key.id
        shop_gross[key] = shop_gross.get(key, Decimal(0)) + order.shipping.price
    result.rows = [TaxKeyRow(row, shop_gross.get(row.tax_key_id, Decimal(0)))
                   for row in policy.breakdown(order, result.document)]
    return result
