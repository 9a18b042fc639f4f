"""Step: Mozello's total against PayTraq's own total of the document; a mismatch keeps the
document Draft and stops the run for a person.

PayTraq's total is read back (GET sale) unless the reading can tell nothing new: the document
was created in this run (not adopted), the domain's prediction of PayTraq's total equals the
shop's, and `channel check --write-test` showed for this channel that PayTraq keeps lines, tax
keys, shipping and adjustments as sent. Then the prediction stands for PayTraq's reading."""

from __future__ import annotations

from application.order_steps.drafting import draft, policy
from application.order_steps.run import OrderRun
from application.ports import SaleRecord
from domain.documents import Document
from domain.reconciliation import Matched, Mismatch, ReconciliationResult
from domain.review import ReasonCode, ReviewReason
from domain.sale_status import SaleStatus


def reconcile_totals(run: OrderRun) -> bool:
    sale, item, order = run.sale, run.item, run.order
    if item.document is not None:
        item.document.total = sale.total
        item.document.status = sale.status
    document, _ = draft(run, sale.client_id or "?")
    now = run.clock.now()
    if document is None:  # the order can no longer be drafted: compare the totals alone
        if sale.total != order.total:
            return run.hold([_totals_differ(order.total, sale.total)])
        item.reconciled(order.total, sale.total, now)
        return True
    result = policy(run).reconcile(order, document, paytraq_total=sale.total,
                                   paytraq_taxes=sale.tax)
    if isinstance(result, Mismatch):
        item.shop_total, item.paytraq_total = result.shop_total, result.paytraq_total
        return run.hold([result.reason()])
    item.reconciled(result.shop_total, result.paytraq_total, now)
    return True


def read_back_needed(proven: bool, adopted: bool, prediction: ReconciliationResult) -> bool:
    """Whether PayTraq must be asked what it made of the document (see the module's docstring);
    a prediction that differs from the shop's total is always read back, never trusted."""
    return adopted or not proven or not isinstance(prediction, Matched)


def created_sale(run: OrderRun, sale_id: str, document: Document) -> SaleRecord:
    """The document this run has just created, as PayTraq holds it: read back when needed,
    else as predicted (a Draft of the predicted total, nothing paid, never e-mailed)."""
    prediction = policy(run).reconcile(run.order, document)
    if read_back_needed(run.writes_proven(), adopted=False, prediction=prediction):
        return run.accounting.get_sale(sale_id)
    totals = document.totals()
    return SaleRecord(sale_id, document.document_ref, document.sale_type.value,
                      SaleStatus.DRAFT, totals.total, amount_due=totals.total,
                      client_id=document.client_id, tax=totals.tax,
                      warehouse_id=document.warehouse_id)


def _totals_differ(shop_total, paytraq_total) -> ReviewReason:
    return ReviewReason.of(
        ReasonCode.TOTALS_MISMATCH,
        f"Mozello total {shop_total} differs from the PayTraq document total {paytraq_total} "
        f"by {shop_total - paytraq_total}. The document stays Draft and no payment is added.",
        shop_total=shop_total,
        paytraq_total=paytraq_total,
    )
