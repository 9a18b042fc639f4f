"""A stock sync of a large catalogue between the PayTraq and Mozello sandboxes: its calls against
the fewest the APIs allow, its CPU time and peak RSS (in a process of its own), and the wall time
PayTraq's and Mozello's real rate limits would impose on those calls."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from adapters.mozello.sandbox.server import MozelloSandbox
from adapters.mozello.sandbox.store import MozelloSandboxState
from adapters.paytraq.api import PayTraqClient
from adapters.paytraq.sandbox.faults import SandboxControls
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.paytraq.sandbox.state import Product, SandboxState
from adapters.ratelimit import DailyBudget, NoRateLimit
from application.ports import NewClient
from bench.report import Row
from bench.sizes import Sizes
from domain.documents import Document, DocumentLine
from domain.paytraq_totals import TaxKey
from domain.settings import DocumentType, Operation

ROOT = Path(__file__).resolve().parents[1]
D = Decimal
WAREHOUSE, RETAIL = "1", "1476"
VAT21 = TaxKey("100021", "PVN 21%", D(21))
MOZELLO_KEY = "MZL-7654321-00000000000000000000000000000001"
VARIANTS_EACH = 10
PAYTRAQ_PAGE, MOZELLO_PAGE, BATCH = 100, 100, 1000
PAYTRAQ_RATE, PAYTRAQ_BURST, MOZELLO_RATE, MOZELLO_BURST = 1.0, 5, 5.0, 5
APPROVED_ORDERS = 3


@dataclass(frozen=True)
class Catalogue:
    simple: list[str]
    variants: dict[str, list[str]]  # product handle -> its variants' SKUs

    @classmethod
    def of(cls, skus: int) -> Catalogue:
        """90 % products without variants, 10 % variants, 10 to a product."""
        variant_products = max(1, skus // 10 // VARIANTS_EACH)
        simple = [f"P-{n:05}" for n in range(skus - variant_products * VARIANTS_EACH)]
        variants = {f"shirt-{p:04}": [f"V-{p:04}-{v}" for v in range(VARIANTS_EACH)]
                    for p in range(variant_products)}
        return cls(simple, variants)

    @property
    def codes(self) -> list[str]:
        return self.simple + [code for codes in self.variants.values() for code in codes]


def _stock(n: int) -> Decimal:
    return D((n * 7) % 50)


def _price(n: int) -> Decimal:
    return D(5 + n % 40) + D(n % 100) / 100


def paytraq_sandbox(catalogue: Catalogue) -> PayTraqSandbox:
    state = SandboxState.from_file()
    state.products = {
        str(700000 + n): Product(str(700000 + n), code, f"Product {code}", tax_key_id=VAT21.id,
                                 stock={WAREHOUSE: _stock(n)}, prices={RETAIL: _price(n)})
        for n, code in enumerate(catalogue.codes)}
    sandbox = PayTraqSandbox(state, controls=SandboxControls(rate_limit=None, daily_limit=None))
    return sandbox.start()


def approve_orders(sandbox: PayTraqSandbox, catalogue: Catalogue) -> dict[str, Decimal]:
    """A few approved sales orders reserving stock, as a shop has on any morning."""
    client = PayTraqClient(sandbox.api_key, sandbox.api_token, sandbox.base_url,
                           limiter=NoRateLimit(), budget=DailyBudget(100_000))
    reserved = {}
    for number in range(APPROVED_ORDERS):
        code = catalogue.simple[number]
        client_id = client.create_client(NewClient(f"Vairumtirgotājs {number}", 2))
        line = DocumentLine(code, client.find_item_id(code), code, D(1), D("1.00"), VAT21)
        document = Document(f"M-{number}", date(2026, 2, 2), client_id, DocumentType.SALES_ORDER,
                            Operation.SELL_GOODS, "EUR", True, (line,), warehouse_id=WAREHOUSE)
        client.approve_sale(client.create_sale(document))
        reserved[code] = D(1)
    return reserved


def mozello_sandbox(catalogue: Catalogue, paytraq: PayTraqSandbox,
                    reserved: dict[str, Decimal]) -> tuple[MozelloSandbox, int, int]:
    """Mozello showing PayTraq's figures, but for 1 % of the SKUs (half of them variants)."""
    state = MozelloSandboxState(api_key=MOZELLO_KEY, alias="bench-shop")
    state.rate_limit.enabled = False
    sandbox = MozelloSandbox(state).start()
    shown = {p.code: (max(0, int(p.stock[WAREHOUSE] - reserved.get(p.code, 0))),
                      p.prices[RETAIL]) for p in paytraq.state.products.values()}
    stale_simple = set(catalogue.simple[1::max(1, len(catalogue.simple) // 50)][:len(catalogue.codes) // 200])
    stale_products = list(catalogue.variants)[::max(1, len(catalogue.variants) // 10)][:10]
    for code in catalogue.simple:
        stock, price = shown[code]
        state.create_product({"handle": f"uid-{code}", "title": {"en": code}, "price": price,
                              "sku": code, "stock": stock + (3 if code in stale_simple else 0)})
    for handle, codes in catalogue.variants.items():
        state.create_product(_shirt(handle, codes, shown, stale=handle in stale_products))
    return sandbox, len(stale_simple), len(stale_products)


def _shirt(handle: str, codes: list[str], shown: dict, stale: bool) -> dict:
    sizes = [{"value_handle": f"{handle}-size-{v}", "value_name": {"en": f"Size {v}"}}
             for v in range(len(codes))]
    variants = [{"variant_handle": f"{handle}-v{v}", "option_value_handle1": f"{handle}-size-{v}",
                 "option_value_handle2": None, "option_value_handle3": None,
                 "price": shown[code][1], "sale_price": None, "sku": code,
                 "stock": shown[code][0] + (2 if stale and v < 5 else 0), "picture_handle": None}
                for v, code in enumerate(codes)]
    return {"handle": handle, "title": {"en": f"Shirt {handle}"}, "price": D(20), "sku": "",
            "stock": None, "sale_price": None,
            "options": [{"option_name": {"en": "Size"}, "display_style": "buttons",
                         "values": sizes}], "variants": variants}


def _child(paytraq: PayTraqSandbox, mozello: MozelloSandbox) -> dict:
    job = {"paytraq_url": paytraq.base_url, "paytraq_key": paytraq.api_key,
           "paytraq_token": paytraq.api_token, "mozello_url": mozello.base_url,
           "mozello_key": MOZELLO_KEY, "warehouse": WAREHOUSE, "price_group": RETAIL}
    done = subprocess.run([sys.executable, "-m", "bench.stock_child", json.dumps(job)], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"stock sync child failed: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mozello_endpoint(path: str) -> str:
    """`/v1/store/product/uid-7/` → `store/product`: the call without its handles."""
    parts = [part for part in path.split("?")[0].split("/") if part and part != "v1"]
    if len(parts) >= 3 and parts[1] in ("product", "order"):
        parts = parts[:2] + parts[3:]
    return "/".join(parts)


def _seconds_at(calls: int, rate: float, burst: int) -> float:
    return max(0, calls - burst) / rate


def stock_sync(sizes: Sizes) -> list[Row]:
    catalogue = Catalogue.of(sizes.skus)
    paytraq = paytraq_sandbox(catalogue)
    try:
        reserved = approve_orders(paytraq, catalogue)
        mozello, stale_simple, stale_products = mozello_sandbox(catalogue, paytraq, reserved)
        try:
            paytraq.controls.seen.clear()
            answer = _child(paytraq, mozello)
            paytraq_calls = Counter(f"{c.method} {c.path.split('/')[0]}"
                                    for c in paytraq.controls.seen)
            mozello_calls = Counter(f"{c.method} {_mozello_endpoint(c.path)}"
                                    for c in mozello.state.calls)
        finally:
            mozello.stop()
    finally:
        paytraq.stop()
    return _rows(sizes.skus, catalogue, answer, paytraq_calls, mozello_calls, stale_simple,
                 stale_products)


def _rows(skus: int, catalogue: Catalogue, answer: dict, paytraq_calls: Counter,
          mozello_calls: Counter, stale_simple: int, stale_products: int) -> list[Row]:
    section = f"stock sync, {skus:,} SKUs, 1 % changed"
    pages = len(catalogue.codes) // PAYTRAQ_PAGE + 1  # no total: the first short page ends a list
    paytraq_floor = pages * 2 + 1 + APPROVED_ORDERS  # stock, prices, approved orders, their lines
    products = len(catalogue.simple) + len(catalogue.variants)
    mozello_floor = math.ceil(products / MOZELLO_PAGE) + math.ceil(stale_simple / BATCH) + stale_products
    paytraq_total, mozello_total = sum(paytraq_calls.values()), sum(mozello_calls.values())
    wall = (_seconds_at(paytraq_total, PAYTRAQ_RATE, PAYTRAQ_BURST)
            + _seconds_at(mozello_total, MOZELLO_RATE, MOZELLO_BURST))
    detail = lambda calls: ", ".join(f"{name} ×{n}" for name, n in sorted(calls.items()))  # noqa: E731
    return [
        Row(section, "PayTraq calls", paytraq_total, "calls",
            f"floor {paytraq_floor}; {detail(paytraq_calls)}"),
        Row(section, "Mozello calls", mozello_total, "calls",
            f"floor {mozello_floor}; {detail(mozello_calls)}"),
        Row(section, "CPU (sync process)", answer["cpu"], "s", "target < 3 s"),
        Row(section, "peak RSS (sync process)", answer["rss_peak"], "MB",
            f"{answer['rss_before']:.0f} MB before the sync started; target < 150 MB"),
        Row(section, "result rows stored", answer["result_rows"], "rows",
            f"summary {answer['summary']}, {answer['status']}"),
        Row(section, "wall time at the real rate limits", wall / 60, "min",
            f"PayTraq {PAYTRAQ_RATE:g}/s burst {PAYTRAQ_BURST}, Mozello {MOZELLO_RATE:g}/s; "
            f"here, without limits: {answer['wall']:.1f} s"),
    ]
