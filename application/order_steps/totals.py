"""Step: Mozello's total against PayTraq's own total of the document; a mismatch keeps the
document Draft and stops the run for a person."""

from __future__ import annotations

from application.order_steps.drafting import draft, policy
from application.order_steps.run import OrderRun
from domain.reconciliation import Mismatch
from domain.review import ReasonCode, ReviewReason


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


def _totals_differ(shop_total, paytraq_total) -> ReviewReason:
    return ReviewReason.of(
        ReasonCode.TOTALS_MISMATCH,
        f"Mozello total {shop_total} differs from the PayTraq document total {paytraq_total} "
        f"by {shop_total - paytraq_total}. The document stays Draft and no payment is added.",
        shop_total=shop_total,
        paytraq_total=paytraq_total,
    )
