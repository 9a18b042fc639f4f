"""A channel wired for the stock sync over in-memory fakes: FakeAccounting (PayTraq) and
FakeShop (Mozello), with the run history and the approved-orders cache in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from adapters.memory.accounting import FakeAccounting
from adapters.memory.clock import SteppingClock
from adapters.memory.gateways import StaticGateways
from adapters.memory.locks import InMemoryLock
from adapters.memory.shop import FakeShop
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.handlers.sync_stock import Progress, sync_stock
from application.ports import (
    ChannelCredentials,
    NewClient,
    ShopProduct,
    ShopVariant,
    StockSyncResult,
    StockSyncRun,
)
from application.stock_commands import SyncStock
from domain.documents import Document, DocumentLine
from domain.paytraq_totals import TaxKey
from domain.settings import (
    Channel,
    ChannelSettings,
    DocumentType,
    Operation,
    StockSyncSettings,
)

D = Decimal
WAREHOUSE = "1"
OTHER_WAREHOUSE = "2"
RETAIL, WHOLESALE = "retail", "wholesale"
PVN21 = TaxKey("1021", "PVN 21%", D("21"))
CHANNEL = "shop-1"


def mozello_product(sku: str, stock: int | None = 0, price: str | None = "10.00",
                    sale_price: str | None = None, handle: str | None = None) -> ShopProduct:
    return ShopProduct(handle or f"uid-{sku}", sku, stock, _d(price), _d(sale_price))


def mozello_variant_product(handle: str, *variants: ShopVariant, sku: str = "") -> ShopProduct:
    return ShopProduct(handle, sku, None, D("10.00"), variants=tuple(variants))


def mozello_variant(sku: str, stock: int | None = 0, price: str | None = "10.00") -> ShopVariant:
    return ShopVariant(f"var-{sku}", sku, stock, _d(price))


def _d(value: str | None) -> Decimal | None:
    return None if value is None else D(value)


@dataclass
class StockScenario:
    accounting: FakeAccounting
    shop: FakeShop
    store: MemoryStore = field(default_factory=MemoryStore)
    lock: InMemoryLock = field(default_factory=InMemoryLock)
    clock: SteppingClock = field(
        default_factory=lambda: SteppingClock(datetime(2026, 2, 2, 6, 0, tzinfo=UTC)))
    channel_id: str = CHANNEL

    # --- PayTraq -----------------------------------------------------------------------------
    def paytraq_product(self, code: str, on_hand: str | int, **prices: str) -> None:
        self.accounting.add_product(code, f"Product {code}", stock={WAREHOUSE: D(on_hand)},
                                    prices={group: D(p) for group, p in prices.items()})

    def approved_order(self, warehouse: str = WAREHOUSE, **quantities: str | int) -> str:
        """An approved (in_process) sales order reserving these quantities in `warehouse`."""
        client_id = self.accounting.create_client(NewClient("Buyer SIA", 2))
        lines = tuple(
            DocumentLine(code, self.accounting.products[code].item_id, code, D(qty), D("1.00"), PVN21)
            for code, qty in quantities.items())
        document = Document(f"M-{len(self.accounting.sales) + 101}", date(2026, 2, 1), client_id,
                            DocumentType.SALES_ORDER, Operation.SELL_GOODS, "EUR", True, lines,
                            warehouse_id=warehouse)
        sale_id = self.accounting.create_sale(document)
        self.accounting.approve_sale(sale_id)
        return sale_id

    # --- Mozello -------------------------------------------------------------------------------
    def mozello(self, handle: str) -> ShopProduct:
        return self.shop.products[handle]

    def mozello_variant(self, handle: str, sku: str) -> ShopVariant:
        [variant] = [v for v in self.shop.products[handle].variants if v.sku == sku]
        return variant

    # --- running the sync ------------------------------------------------------------------
    def run(self, dry_run: bool = False, progress: Progress | None = None) -> StockSyncRun:
        return sync_stock(SyncStock(self.channel_id, dry_run), self.uow(),
                          StaticGateways(self.accounting, self.shop), self.clock, self.lock,
                          progress)

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store)

    def stored_run(self, run_id: str) -> StockSyncRun:
        with self.uow() as uow:
            return uow.stock_runs.get(run_id)

    def results(self, run_id: str) -> list[StockSyncResult]:
        with self.uow() as uow:
            return uow.stock_runs.results(run_id)

    def result(self, run_id: str, sku: str) -> StockSyncResult:
        [result] = [r for r in self.results(run_id) if r.sku == sku]
        return result

    def actions(self, run_id: str) -> dict[str, str]:
        return {r.sku: r.action for r in self.results(run_id)}


def stock_scenario(stock_sync: StockSyncSettings | None = None, warehouse: str | None = WAREHOUSE,
                   products: tuple[ShopProduct, ...] = ()) -> StockScenario:
    """A channel selling from `warehouse`, with `products` in its Mozello shop."""
    scenario = StockScenario(FakeAccounting([PVN21]), FakeShop(products))
    settings = ChannelSettings(warehouse_id=warehouse, stock_sync=stock_sync or StockSyncSettings())
    with scenario.uow() as uow:
        uow.channels.add(Channel(CHANNEL, "Demo shop", settings),
                         ChannelCredentials("MZL-test", "pt-key", "pt-token"))
        uow.commit()
    return scenario
