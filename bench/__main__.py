"""`make bench`: speed and memory of the hot paths, against targets, as one table.

Targets are for the 2-core machines this project runs on; a missed target exits 1.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.mozello.notifications import parse_notification  # noqa: E402
from adapters.mozello.signature import sign, verify  # noqa: E402
from domain.stock_sync import CatalogueProduct, plan_stock_sync  # noqa: E402
from tests.unit.builders import order, pipeline, settings  # noqa: E402
from tests.unit.test_real_paytraq_corpus import load_corpus, totals_of  # noqa: E402


@dataclass
class Result:
    name: str
    value: float
    unit: str
    target: float
    higher_is_better: bool = True

    @property
    def ok(self) -> bool:
        return self.value >= self.target if self.higher_is_better else self.value <= self.target


def rate(work: Callable[[], int], seconds: float = 1.0) -> float:
    """Items per second, over repeated runs of `work` for about `seconds`."""
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        done += work()
    return done / (time.perf_counter() - started)


def bench_paytraq_arithmetic() -> Result:
    docs = load_corpus()

    def work() -> int:
        for doc in docs:
            totals_of(doc)
        return len(docs)

    return Result("PayTraq totals, real documents", rate(work), "docs/s", 5_000)


def bench_webhook_intake() -> Result:
    body = (ROOT / "tests/fixtures/mozello/payment_changed_variant_shipping_discount.json").read_bytes()
    key = "MZL-0000000-0123456789abcdef0123456789abcdef"
    signature = sign(body, key)

    def work() -> int:
        for _ in range(100):
            assert verify(body, signature, key)
            parse_notification(body)
        return 100

    # Mozello sends at most a few notifications a second per shop
    return Result("webhook verify + parse", rate(work), "bodies/s", 500)


def bench_pipeline() -> Result:
    def work() -> int:
        flow = pipeline(settings(approve=True, add_payment=True, send_email=True))
        for n in range(50):
            flow.receive(order(order_id=f"M-1-{n}"))
        return 50

    return Result("order pipeline, in-memory fakes", rate(work, 2.0), "orders/s", 150)


def bench_pipeline_memory() -> Result:
    tracemalloc.start()
    flow = pipeline(settings(approve=True, add_payment=True, send_email=True))
    for n in range(1_000):
        flow.receive(order(order_id=f"M-1-{n}"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Result("peak memory, 1,000 orders in memory", peak / 1e6, "MB", 150,
                  higher_is_better=False)


def bench_stock_plan() -> Result:
    skus = [f"SKU-{n:05d}" for n in range(20_000)]
    on_hand = [(s, Decimal(n % 50)) for n, s in enumerate(skus)]
    catalogue = [CatalogueProduct(handle=f"h{n}", sku=s, stock=(n + 1) % 50, price=Decimal("9.99"))
                 for n, s in enumerate(skus)]

    def work() -> int:
        plan_stock_sync(on_hand, {}, catalogue)
        return len(skus)

    # a 20,000-SKU catalogue planned in at most a second
    return Result("stock sync plan, 20,000 SKUs", rate(work, 2.0), "SKUs/s", 20_000)


def main() -> int:
    from entrypoints.logs import configure_logging

    configure_logging(json_output=False, level="WARNING")
    results = [bench_paytraq_arithmetic(), bench_webhook_intake(), bench_pipeline(),
               bench_pipeline_memory(), bench_stock_plan()]
    width = max(len(r.name) for r in results)
    print(f"{'benchmark':<{width}}  {'result':>14}  {'target':>14}  ok")
    for r in results:
        sign_ = ">=" if r.higher_is_better else "<="
        print(f"{r.name:<{width}}  {r.value:>10,.1f} {r.unit:<4}  {sign_}{r.target:>9,.0f} "
              f"{r.unit:<4}  {'yes' if r.ok else 'NO'}")
    if "--json" in sys.argv:
        print(json.dumps([r.__dict__ | {"ok": r.ok} for r in results]))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
