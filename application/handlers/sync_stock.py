"""Sync one channel's stock (and prices) from PayTraq to Mozello: read both sides fresh, plan
(domain/stock_sync.py), write only what differs, and keep the run with every SKU's result.

Results are committed as they become known, so a run that stops half-way leaves a true record;
the next run reads both sides again and writes only what still differs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

import structlog

from application.errors import PermanentError, UnknownChannel
from application.lock_keeper import holding
from application.ports import (
    AccountingPort,
    Clock,
    Gateways,
    SaleLines,
    SaleSummary,
    ShopPort,
    ShopProduct,
    SkuUpdate,
    VariantUpdate,
)
from application.stock_commands import SyncStock
from application.stock_ports import StockSyncAlreadyRunning, StockSyncLock
from application.storage_ports import (
    StockSyncResult,
    StockSyncRun,
    StockSyncStatus,
    StorageUnitOfWork,
)
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

logger = structlog.get_logger()

Progress = Callable[[int, int], None]  # (SKUs written so far, SKUs to write)

BATCH_SIZE = 1000  # Mozello's limit per batch_update_by_sku call
CACHE_EVERY = 25  # approved orders' lines are saved this often while fetching

UPDATED, WOULD_UPDATE, ERROR, NOT_ATTEMPTED = "updated", "would_update", "error", "not_attempted"


def sync_stock(
    cmd: SyncStock,
    uow: StorageUnitOfWork,
    gateways: Gateways,
    clock: Clock,
    stock_lock: StockSyncLock,
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
            plan = _plan(channel, uow, gateways)
            journal.record(_result(d) for d in plan.decisions if d.outcome is not Outcome.UPDATE)
            if cmd.dry_run:
                journal.record(_result(d, WOULD_UPDATE) for d in plan.writes)
                _report(progress, len(plan.writes), len(plan.writes))
            else:
                _write(plan, gateways.shop(channel.id), journal, progress)
        except Exception as error:
            journal.close(f"{type(error).__name__}: {error}")
            raise
        return journal.close()


def sync_stock_on_bus(
    cmd: SyncStock, uow: StorageUnitOfWork, gateways: Gateways, clock: Clock,
    stock_lock: StockSyncLock,
) -> list:
    """The message bus's entry: the bus expects follow-up messages, not a result; the run is in
    `uow.stock_runs` (latest for the channel)."""
    sync_stock(cmd, uow, gateways, clock, stock_lock)
    return []


class RunJournal:
    """The stored run: each result is committed when known; the summary counts them."""

    def __init__(self, uow: StorageUnitOfWork, run: StockSyncRun, clock: Clock):
        self.uow, self.run, self.clock = uow, run, clock
        self.counts: Counter[str] = Counter()

    @classmethod
    def open(cls, uow: StorageUnitOfWork, channel_id: str, clock: Clock, dry_run: bool) -> RunJournal:
        with uow:
            run = uow.stock_runs.start(channel_id, clock.now(), dry_run)
            uow.commit()
        return cls(uow, run, clock)

    def record(self, results: Iterable[StockSyncResult]) -> None:
        results = list(results)
        if not results:
            return
        with self.uow:
            self.uow.stock_runs.add_results(self.run.id, results)
            self.uow.commit()
        self.counts.update(result.action for result in results)

    def close(self, error: str | None = None) -> StockSyncRun:
        if error is None and self.counts[ERROR]:
            error = f"{self.counts[ERROR]} SKUs could not be written; a new run retries them"
        status = StockSyncStatus.FAILED if error else StockSyncStatus.SUCCEEDED
        with self.uow:
            self.run = self.uow.stock_runs.finish(
                self.run.id, self.clock.now(), status, dict(self.counts), error)
            self.uow.commit()
        logger.info("stock_synced", channel=self.run.channel_id, run=self.run.id,
                    dry_run=self.run.dry_run, status=status.value, **self.counts)
        return self.run


# --- reading both sides -----------------------------------------------------------------------


def _plan(channel: Channel, uow: StorageUnitOfWork, gateways: Gateways) -> StockSyncPlan:
    settings, warehouse_id = channel.settings.stock_sync, channel.settings.warehouse_id
    if not warehouse_id:
        raise PermanentError("choose the channel's PayTraq warehouse before syncing stock")
    if settings.sync_prices and not settings.price_group_id:
        raise PermanentError("'sync prices' is on but no PayTraq price group is chosen")
    accounting = gateways.accounting(channel.id)
    on_hand = [(row.code, row.qty) for row in accounting.warehouse_stock(warehouse_id)]
    reserved = reserved_by_sku(_reserved_lines(accounting, uow, channel.id, warehouse_id))
    prices = None
    if settings.sync_prices:
        prices = [(entry.code, entry.price) for entry in accounting.price_list(settings.price_group_id)]
    catalogue = [_catalogue_product(p) for p in gateways.shop(channel.id).list_products()]
    return plan_stock_sync(on_hand, reserved, catalogue, prices, settings)


def _reserved_lines(
    accounting: AccountingPort, uow: StorageUnitOfWork, channel_id: str, warehouse_id: str
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


def _remember(uow: StorageUnitOfWork, channel_id: str, sales: list[SaleLines],
              keep_only: list[str] | None = None) -> None:
    with uow:
        for sale in sales:
            uow.sales_cache.put(channel_id, sale)
        if keep_only is not None:
            uow.sales_cache.retain(channel_id, keep_only)
        uow.commit()


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


def _write(plan: StockSyncPlan, shop: ShopPort, journal: RunJournal, progress: Progress | None) -> None:
    """Write unit by unit, recording each. A permanent error (say, a product deleted meanwhile)
    fails its unit only; anything else stops the run: the rest is recorded as not attempted."""
    writes, done, total = _writes(plan, shop), 0, len(plan.writes)
    _report(progress, done, total)
    for index, write in enumerate(writes):
        try:
            write.send()
        except PermanentError as error:
            journal.record(_result(d, ERROR, f"{d.reason}; failed: {error}") for d in write.decisions)
        except Exception as error:
            journal.record(_result(d, ERROR, f"{d.reason}; failed: {error}") for d in write.decisions)
            journal.record(_result(d, NOT_ATTEMPTED, f"{d.reason}; the run stopped before this write")
                           for later in writes[index + 1:] for d in later.decisions)
            raise
        else:
            journal.record(_result(d, UPDATED) for d in write.decisions)
        done += len(write.decisions)
        _report(progress, done, total)


def _writes(plan: StockSyncPlan, shop: ShopPort) -> list[_Write]:
    products = plan.product_writes
    batches = [products[start:start + BATCH_SIZE] for start in range(0, len(products), BATCH_SIZE)]
    writes = [_Write(batch, _batch_by_sku(shop, batch)) for batch in batches]
    writes += [_Write(variants, _variants_of(shop, handle, variants))
               for handle, variants in plan.variant_writes.items()]
    return writes


def _batch_by_sku(shop: ShopPort, batch: tuple[SkuDecision, ...]) -> Callable[[], object]:
    updates = [SkuUpdate(d.sku, d.new_stock, d.new_price, d.new_sale_price) for d in batch]
    return lambda: shop.update_by_sku(updates)


def _variants_of(shop: ShopPort, handle: str, variants: tuple[SkuDecision, ...]) -> Callable[[], object]:
    updates = [VariantUpdate(d.target, d.new_stock, d.new_price, d.new_sale_price)
               for d in variants]
    return lambda: shop.update_variants(handle, updates)


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
