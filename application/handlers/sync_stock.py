"""Sync one channel's stock (and prices) from PayTraq to Mozello: read both sides fresh, plan
(domain/stock_sync.py), write only what differs, and keep the run: a row for each change or
problem, a count for every SKU (stock_run_journal.py).

Results are committed as they become known, so a run that stops half-way leaves a true record;
the next run reads both sides again and writes only what still differs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from application.errors import PermanentError, StockSyncAlreadyRunning, UnknownChannel
from application.handlers.stock_run_journal import ERROR, RunJournal
from application.lock_keeper import holding
from application.ports import (
    AccountingPort,
    Clock,
    ExpiringLock,
    Gateways,
    SaleLines,
    SaleSummary,
    ShopPort,
    ShopProduct,
    SkuBatchAnswer,
    SkuUpdate,
    StockSyncResult,
    StockSyncRun,
    UnitOfWork,
    VariantUpdate,
)
from application.stock_commands import SyncStock
from domain.settings import Channel
from domain.stock import reserved_by_sku
from domain.stock_sync import (
    CatalogueProduct,
    CatalogueVariant,
    Outcome,
    SkuDecision,
    StockSyncPlan,
    plan_stock_sync,
)

Progress = Callable[[int, int], None]  # (SKUs written so far, SKUs to write)

BATCH_SIZE = 1000  # Mozello's limit per batch_update_by_sku call
CACHE_EVERY = 25  # approved orders' lines are saved this often while fetching

UPDATED, WOULD_UPDATE, NOT_ATTEMPTED = "updated", "would_update", "not_attempted"


def sync_stock(
    cmd: SyncStock,
    uow: UnitOfWork,
    gateways: Gateways,
    clock: Clock,
    stock_lock: ExpiringLock,
    progress: Progress | None = None,
) -> StockSyncRun:
    with uow:
        channel = uow.channels.get(cmd.channel_id)
    if channel is None:
        raise UnknownChannel(cmd.channel_id)
    # renewed while the run lasts; a crashed run's lock lapses within half a minute
    with holding(stock_lock, [channel.id], clock, busy=lambda: StockSyncAlreadyRunning(channel.id)):
        journal = RunJournal.open(uow, channel.id, clock, cmd.dry_run)
        try:
            plan, listed = _plan(channel, uow, gateways, clock)
            journal.record(_result(d) for d in plan.decisions if d.outcome is not Outcome.UPDATE)
            if cmd.dry_run:
                journal.record(_result(d, WOULD_UPDATE) for d in plan.writes)
                _report(progress, len(plan.writes), len(plan.writes))
            else:
                listed = _still_as_listed(uow, channel.id, listed, plan)
                _write(plan, gateways.shop(channel.id), listed, journal, progress)
        except Exception as error:
            journal.close(f"{type(error).__name__}: {error}")
            raise
        return journal.close()


def sync_stock_on_bus(
    cmd: SyncStock, uow: UnitOfWork, gateways: Gateways, clock: Clock,
    stock_lock: ExpiringLock,
) -> list:
    """The message bus's entry: the bus expects follow-up messages, not a result; the run is in
    `uow.stock_runs` (latest for the channel)."""
    sync_stock(cmd, uow, gateways, clock, stock_lock)
    return []


# --- reading both sides -----------------------------------------------------------------------


def _plan(channel: Channel, uow: UnitOfWork, gateways: Gateways, clock: Clock
          ) -> tuple[StockSyncPlan, dict[str, ShopProduct]]:
    """The plan, and the listed products that have variants (their write sends the listed
    variant set instead of reading the product again). The warehouse's ItemIDs fill the shared
    SKU cache on the way: an order for a synced product costs no GET products."""
    settings, warehouse_id = channel.settings.stock_sync, channel.settings.warehouse_id
    problems = channel.settings.stock_sync_problems()
    if problems:
        raise PermanentError("; ".join(problems))
    accounting = gateways.accounting(channel.id)
    stock = list(accounting.warehouse_stock(warehouse_id))
    with uow:
        uow.sku_cache.put_many(channel.id, ((row.code, row.item_id) for row in stock), clock.now())
        uow.commit()
    on_hand = [(row.code, row.qty) for row in stock]
    reserved = reserved_by_sku(_reserved_lines(accounting, uow, channel.id, warehouse_id))
    prices = None
    if settings.sync_prices:
        prices = [(entry.code, entry.price) for entry in accounting.price_list(settings.price_group_id)]
    catalogue, listed = [], {}
    for product in gateways.shop(channel.id).list_products():
        catalogue.append(_catalogue_product(product))
        if product.variants:
            listed[product.handle] = product
    return plan_stock_sync(on_hand, reserved, catalogue, prices, settings), listed


def _reserved_lines(
    accounting: AccountingPort, uow: UnitOfWork, channel_id: str, warehouse_id: str
) -> list[tuple[str, Decimal]]:
    """The lines of approved sales orders of the warehouse. An order whose `updated` stamp is the
    one cached is not fetched again; orders no longer approved leave the cache."""
    orders = accounting.approved_orders()
    with uow:
        cached = uow.sales_cache.all(channel_id)
    sales, unsaved = [], []
    for order in orders:
        sale = cached.get(order.id)
        if not _still_current(sale, order):
            sale = replace(accounting.sale_lines(order.id), updated=order.updated)
            unsaved.append(sale)
        if len(unsaved) == CACHE_EVERY:
            _remember(uow, channel_id, unsaved)
            unsaved = []
        sales.append(sale)
    _remember(uow, channel_id, unsaved, keep_only=[order.id for order in orders])
    return [(line.code, line.qty) for sale in sales if sale.warehouse_id == warehouse_id
            for line in sale.lines]


def _still_current(sale: SaleLines | None, order: SaleSummary) -> bool:
    return sale is not None and order.updated is not None and sale.updated == order.updated


def _remember(uow: UnitOfWork, channel_id: str, sales: list[SaleLines],
              keep_only: list[str] | None = None) -> None:
    with uow:
        for sale in sales:
            uow.sales_cache.put(channel_id, sale)
        if keep_only is not None:
            uow.sales_cache.retain(channel_id, keep_only)
        uow.commit()


def _still_as_listed(uow: UnitOfWork, channel_id: str, listed: dict[str, ShopProduct],
                     plan: StockSyncPlan) -> dict[str, ShopProduct]:
    """The listed products to be written, less any a product webhook has since reported changed
    (the write reads those again, so a variant added meanwhile is not lost)."""
    kept = {}
    with uow:
        for handle in plan.variant_writes:
            product = listed.get(handle)
            mirrored = uow.catalogue.get(channel_id, handle)
            listed_at = str(product.raw.get("modified_at") or "") if product else ""
            if product is not None and (mirrored is None or mirrored.modified_at <= listed_at):
                kept[handle] = product
    return kept


def _catalogue_product(product: ShopProduct) -> CatalogueProduct:
    variants = tuple(CatalogueVariant(v.handle, v.sku, v.stock, v.price, v.sale_price)
                     for v in product.variants)
    return CatalogueProduct(product.handle, product.sku, product.stock, product.price,
                            product.sale_price, variants)


# --- writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Write:
    """One call to Mozello: a batch by SKU, or one product's variants."""

    decisions: tuple[SkuDecision, ...]
    send: Callable[[], object]


def _write(plan: StockSyncPlan, shop: ShopPort, listed: dict[str, ShopProduct],
           journal: RunJournal, progress: Progress | None) -> None:
    """Write unit by unit, recording each. A permanent error (say, a product deleted meanwhile)
    fails its unit only; anything else stops the run: the rest is recorded as not attempted."""
    writes, done, total = _writes(plan, shop, listed), 0, len(plan.writes)
    _report(progress, done, total)
    for index, write in enumerate(writes):
        try:
            answer = write.send()
        except PermanentError as error:
            journal.record(_result(d, ERROR, f"{d.reason}; failed: {error}") for d in write.decisions)
        except Exception as error:
            journal.record(_result(d, ERROR, f"{d.reason}; failed: {error}") for d in write.decisions)
            journal.record(_result(d, NOT_ATTEMPTED, f"{d.reason}; the run stopped before this write")
                           for later in writes[index + 1:] for d in later.decisions)
            raise
        else:
            journal.record(_answered(d, answer) for d in write.decisions)
        done += len(write.decisions)
        _report(progress, done, total)


def _writes(plan: StockSyncPlan, shop: ShopPort, listed: dict[str, ShopProduct]) -> list[_Write]:
    products = plan.product_writes
    batches = [products[start:start + BATCH_SIZE] for start in range(0, len(products), BATCH_SIZE)]
    writes = [_Write(batch, _batch_by_sku(shop, batch)) for batch in batches]
    writes += [_Write(variants, _variants_of(shop, handle, variants, listed.get(handle)))
               for handle, variants in plan.variant_writes.items()]
    return writes


def _batch_by_sku(shop: ShopPort, batch: tuple[SkuDecision, ...]) -> Callable[[], object]:
    updates = [SkuUpdate(d.sku, d.new_stock, d.new_price, d.new_sale_price) for d in batch]
    return lambda: shop.update_by_sku(updates)


def _variants_of(shop: ShopPort, handle: str, variants: tuple[SkuDecision, ...],
                 listed: ShopProduct | None) -> Callable[[], object]:
    updates = [VariantUpdate(d.target, d.new_stock, d.new_price, d.new_sale_price)
               for d in variants]
    return lambda: shop.update_variants(handle, updates, listed)


def _answered(decision: SkuDecision, answer: object) -> StockSyncResult:
    """UPDATED, unless Mozello's answer says it did not take this SKU (batch_update_by_sku)."""
    refused = answer.failure_of(decision.sku) if isinstance(answer, SkuBatchAnswer) else None
    if refused is None:
        return _result(decision, UPDATED)
    return _result(decision, ERROR, f"{decision.reason}; Mozello did not update it: {refused}")


def _result(decision: SkuDecision, action: str | None = None, message: str | None = None
            ) -> StockSyncResult:
    return StockSyncResult(
        sku=decision.sku,
        target=decision.target[:200],
        action=action or decision.outcome.value,
        old_stock=decision.old_stock,
        new_stock=decision.new_stock,
        old_price=decision.old_price,
        new_price=decision.new_price,
        message=decision.reason if message is None else message,
    )


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
