"""The PayTraq document an order should become: its items' PayTraq ids (from the shared SKU
cache, a day at most, else PayTraq) and the document built by the domain."""

from __future__ import annotations

from datetime import timedelta

from application.order_steps.run import OrderRun
from domain.documents import Document, build_document
from domain.reconciliation import ReconciliationPolicy
from domain.review import ReviewReason

SKU_CACHE_AGE = timedelta(days=1)


def item_id(run: OrderRun, sku: str) -> str | None:
    """PayTraq's ItemID for a SKU: as found earlier in this run (the document is drafted again
    to reconcile), else from the shared cache (a day at most), else PayTraq."""
    if sku in run.item_ids:
        return run.item_ids[sku]
    now = run.clock.now()
    found = run.sku_cache.get(run.channel.id, sku, not_before=now - SKU_CACHE_AGE)
    if not found:
        found = run.accounting.find_item_id(sku)
        if found:
            run.sku_cache.put(run.channel.id, sku, found, now)
            run.commit()  # never hold a write across the next API call
    if found:
        run.item_ids[sku] = found
    return found


def forget_items(run: OrderRun, refusal: Exception | None = None) -> None:
    """PayTraq refused the document: its SKUs are looked up afresh next time (a product deleted
    there), and the tax keys too when the refusal names one (a key changed there)."""
    if refusal is not None and "tax" in str(refusal).lower():
        run.forget_tax_keys()
    for sku in {line.sku for line in run.order.lines if line.sku}:
        run.item_ids.pop(sku, None)
        run.accounting.forget_item(sku)
        run.sku_cache.forget(run.channel.id, sku)
    run.commit()


def draft(run: OrderRun, client_id: str) -> tuple[Document | None, list[ReviewReason]]:
    """The document for the order, or the reasons it cannot be built."""
    item_ids = {line.sku: item_id(run, line.sku) for line in run.order.lines if line.sku}
    drafted = build_document(run.order, run.settings, client_id, item_ids, run.tax_keys(),
                             run.order.created_at.date())
    return drafted.document, list(drafted.problems)


def policy(run: OrderRun) -> ReconciliationPolicy:
    return ReconciliationPolicy.for_settings(run.settings, run.tax_keys())
