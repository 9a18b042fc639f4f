"""The stock sync end to end over HTTP: PayTraqClient against the PayTraq sandbox, MozelloClient
against the Mozello sandbox, 2,000 SKUs (10 % of them variants), 1 % changed in PayTraq."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import ROUND_FLOOR, Decimal

import pytest

from adapters.memory.clock import SteppingClock
from adapters.memory.gateways import StaticGateways
from adapters.memory.locks import InMemoryLock
from adapters.memory.uow import InMemoryUnitOfWork
from adapters.mozello.api import MozelloClient
from adapters.mozello.sandbox.server import MozelloSandbox
from adapters.mozello.sandbox.store import MozelloSandboxState
from adapters.mozello.transport import RetryPolicy as MozelloRetry
from adapters.paytraq.api import PayTraqClient
from adapters.paytraq.sandbox.faults import SandboxControls
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.paytraq.sandbox.state import Product, SandboxState
from adapters.paytraq.transport import RetryPolicy as PayTraqRetry
from adapters.ratelimit import DailyBudget, NoRateLimit
from application.handlers.sync_stock import sync_stock
from application.ports import ChannelCredentials, NewClient, StockSyncStatus
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

pytestmark = pytest.mark.integration

D = Decimal
WAREHOUSE, RETAIL = "1", "1476"
VAT21 = TaxKey("100021", "PVN 21%", D(21))
MOZELLO_KEY = "MZL-7654321-00000000000000000000000000000001"
SIMPLE, VARIANT_PRODUCTS, VARIANTS_EACH = 1800, 20, 10  # 1,800 + 200 variant SKUs = 2,000
SIMPLE_CODES = [f"P-{n:04}" for n in range(SIMPLE)]
VARIANT_CODES = {f"shirt-{p:02}": [f"V-{p:02}-{v}" for v in range(VARIANTS_EACH)]
                 for p in range(VARIANT_PRODUCTS)}
ALL_CODES = SIMPLE_CODES + [code for codes in VARIANT_CODES.values() for code in codes]
RESERVED = {"P-0001": D(2), "V-03-4": D(1), "P-0002": D(500)}  # P-0002: more than on hand


def on_hand(n: int) -> Decimal:
    return D((n * 7) % 50) + (D("0.5") if n % 13 == 0 else 0)


def price(n: int) -> Decimal:
    return D(5 + n % 40) + D(n % 100) / 100


def available(stock: Decimal, reserved: Decimal) -> int:
    return max(0, int((stock - reserved).to_integral_value(rounding=ROUND_FLOOR)))


# --- PayTraq ---------------------------------------------------------------------------------


@pytest.fixture
def paytraq():
    state = SandboxState.from_file()
    state.products = {
        str(700000 + n): Product(str(700000 + n), code, f"Product {code}", tax_key_id=VAT21.id,
                                 stock={WAREHOUSE: on_hand(n)}, prices={RETAIL: price(n)})
        for n, code in enumerate(ALL_CODES)
    }
    sandbox = PayTraqSandbox(state, controls=SandboxControls(rate_limit=None, daily_limit=None))
    sandbox.start()
    yield sandbox
    sandbox.stop()


def paytraq_client(sandbox: PayTraqSandbox) -> PayTraqClient:
    return PayTraqClient(sandbox.api_key, sandbox.api_token, sandbox.base_url,
                         limiter=NoRateLimit(), budget=DailyBudget(100_000),
                         retry=PayTraqRetry(attempts=3, backoff=0.01, backoff_cap=0.05))


def sales_order(client: PayTraqClient, ref: str, quantities: dict[str, Decimal]) -> str:
    client_id = client.create_client(NewClient("Vairumtirgotājs SIA", 2))
    lines = tuple(DocumentLine(code, client.find_item_id(code), code, qty, D("1.00"), VAT21)
                  for code, qty in quantities.items())
    document = Document(ref, date(2026, 2, 2), client_id, DocumentType.SALES_ORDER,
                        Operation.SELL_GOODS, "EUR", True, lines, warehouse_id=WAREHOUSE)
    return client.create_sale(document)


# --- Mozello ---------------------------------------------------------------------------------


def expected_now(paytraq: PayTraqSandbox) -> dict[str, tuple[int, Decimal]]:
    """What Mozello should show per SKU: PayTraq's available quantity and retail price."""
    return {p.code: (available(p.stock[WAREHOUSE], RESERVED.get(p.code, D(0))), p.prices[RETAIL])
            for p in paytraq.state.products.values()}


def shirt(handle: str, codes: list[str], values: dict[str, tuple[int, Decimal]]) -> dict:
    sizes = [{"value_handle": f"{handle}-size-{v}", "value_name": {"en": f"Size {v}"}}
             for v in range(len(codes))]
    variants = [{"variant_handle": f"{handle}-v{v}", "option_value_handle1": f"{handle}-size-{v}",
                 "option_value_handle2": None, "option_value_handle3": None,
                 "price": values[code][1], "sale_price": None, "sku": code,
                 "stock": values[code][0], "picture_handle": None}
                for v, code in enumerate(codes)]
    return {"handle": handle, "title": {"en": f"Shirt {handle}"}, "price": D(20), "sku": "",
            "stock": None, "sale_price": None,
            "options": [{"option_name": {"en": "Size"}, "display_style": "buttons",
                         "values": sizes}], "variants": variants}


@pytest.fixture
def mozello():
    state = MozelloSandboxState(api_key=MOZELLO_KEY, alias="stock-sync-shop")
    state.rate_limit.enabled = False
    sandbox = MozelloSandbox(state).start()
    yield sandbox
    sandbox.stop()


def fill_catalogue(mozello: MozelloSandbox, values: dict[str, tuple[int, Decimal]]) -> None:
    for code in SIMPLE_CODES:
        stock, amount = values[code]
        mozello.state.create_product({"handle": f"uid-{code}", "title": {"en": code},
                                      "price": amount, "sale_price": D("1.00"), "sku": code,
                                      "stock": stock})
    for handle, codes in VARIANT_CODES.items():
        mozello.state.create_product(shirt(handle, codes, values))


def mozello_shows(mozello: MozelloSandbox) -> dict[str, tuple[int, Decimal]]:
    shown = {}
    for record in mozello.state.products.values():
        items = record.data.get("variants") or [record.data]
        for item in items:
            shown[item["sku"]] = (item["stock"], D(str(item["price"])))
    return shown


def mozello_client(sandbox: MozelloSandbox) -> MozelloClient:
    return MozelloClient(MOZELLO_KEY, sandbox.base_url, limiters=[],
                         retry=MozelloRetry(attempts=3, backoff=0.01, blocked_waits=(0.05,)))


# --- the sync --------------------------------------------------------------------------------


class Channel_:
    """The channel in in-memory storage, synced through the real HTTP clients."""

    def __init__(self, paytraq: PayTraqSandbox, mozello: MozelloSandbox):
        self.uow = InMemoryUnitOfWork()
        self.lock = InMemoryLock()
        self.clock = SteppingClock(datetime(2026, 2, 2, 4, 0, tzinfo=UTC))
        self.gateways = StaticGateways(paytraq_client(paytraq), mozello_client(mozello))
        settings = ChannelSettings(warehouse_id=WAREHOUSE, stock_sync=StockSyncSettings(
            sync_prices=True, price_group_id=RETAIL))
        with self.uow:
            self.uow.channels.add(Channel("shop-1", "Stock sync shop", settings),
                                  ChannelCredentials())
            self.uow.commit()

    def sync(self):
        return sync_stock(SyncStock("shop-1"), self.uow, self.gateways, self.clock, self.lock)


def change_one_percent(paytraq: PayTraqSandbox) -> tuple[list[str], set[str]]:
    """20 SKUs change in PayTraq: 10 products and 10 variants of 4 variant products."""
    by_code = {p.code: p for p in paytraq.state.products.values()}
    products = SIMPLE_CODES[100:110]
    variants = (VARIANT_CODES["shirt-00"][:4] + VARIANT_CODES["shirt-07"][:3]
                + VARIANT_CODES["shirt-12"][:2] + VARIANT_CODES["shirt-19"][:1])
    for number, code in enumerate(products + variants):
        product = by_code[code]
        if number % 2:
            product.prices[RETAIL] += D("1.25")
        else:
            product.stock[WAREHOUSE] += 3
    return products + variants, {"uid-shirt-00", "uid-shirt-07", "uid-shirt-12", "uid-shirt-19"}


def test_mozello_ends_equal_to_paytraq_with_one_batch_and_one_write_per_changed_variant_product(
        paytraq, mozello):
    # Given 2,000 SKUs in PayTraq, approved orders reserving some, and a draft that reserves none
    client = paytraq_client(paytraq)
    for number, (code, qty) in enumerate(RESERVED.items()):
        client.approve_sale(sales_order(client, f"M-{number}", {code: qty}))
    sales_order(client, "M-draft", {"P-0003": D(5)})
    # And Mozello showing exactly PayTraq's available quantities and prices
    fill_catalogue(mozello, expected_now(paytraq))
    channel = Channel_(paytraq, mozello)
    first = channel.sync()
    assert first.summary == {"unchanged": 2000}
    # When 1 % of the SKUs change in PayTraq and the sync runs
    changed, variant_products = change_one_percent(paytraq)
    mozello.state.calls.clear()
    run = channel.sync()
    # Then Mozello equals PayTraq again, sale prices untouched
    assert mozello_shows(mozello) == expected_now(paytraq)
    assert {r.data["sale_price"] for r in mozello.state.products.values() if r.data["sku"]} == {
        D("1.00")}
    # And it took one batch by SKU plus one write per changed variant product
    writes = mozello.state.write_calls()
    batch_calls = [c for c in writes if c.path.endswith("batch_update_by_sku/")]
    variant_puts = [c for c in writes if c.method == "PUT"]
    assert len(batch_calls) == 1 and len(batch_calls[0].body["products"]) == 10
    assert sorted(c.path.split("/")[-2] for c in variant_puts) == sorted(
        h.removeprefix("uid-") for h in variant_products)
    assert len(writes) <= 2 + len(variant_products)
    # And no product was read again before its write: the listing's variants were sent
    assert [c.path for c in mozello.state.calls if c.method == "GET" and "/product/" in c.path] == []
    assert run.status is StockSyncStatus.SUCCEEDED
    assert run.summary == {"unchanged": 1980, "updated": 20}
    # And the run stored a row for each change only
    assert len(channel.uow.stock_runs.results(run.id)) == 20


def test_a_second_run_writes_nothing_and_fetches_no_order_again(paytraq, mozello):
    # Given three approved orders and a Mozello shop far from PayTraq
    client = paytraq_client(paytraq)
    for number, (code, qty) in enumerate(RESERVED.items()):
        client.approve_sale(sales_order(client, f"M-{number}", {code: qty}))
    fill_catalogue(mozello, {code: (0, D("0.01")) for code in ALL_CODES})
    channel = Channel_(paytraq, mozello)
    # When the sync runs, Then Mozello equals PayTraq and each order was read once
    paytraq.controls.seen.clear()
    first = channel.sync()
    assert mozello_shows(mozello) == expected_now(paytraq)
    assert first.summary == {"updated": 2000}
    assert sorted(order_reads(paytraq).values()) == [1, 1, 1]
    # When it runs again, Then nothing is written and no order is read again
    paytraq.controls.seen.clear()
    mozello.state.calls.clear()
    run = channel.sync()
    assert mozello.state.write_calls() == []
    assert run.summary == {"unchanged": 2000}
    assert order_reads(paytraq) == Counter()


def order_reads(paytraq: PayTraqSandbox) -> Counter[str]:
    return Counter(r.path for r in paytraq.controls.seen
                   if r.method == "GET" and r.path.startswith("sale/"))
