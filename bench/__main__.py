"""`make bench`: what an order costs in PayTraq calls and worker CPU, what the webhook intake
keeps of a bare endpoint's speed, how the inbox behaves as it grows, and what a large stock sync
costs — side by side in one run, one table, a JSON copy under bench/results/.

It asserts nothing about time (the figures depend on the machine); docs/performance.md says
what each figure means and which targets are met. `BENCH_SIZE=small` runs a quick version (CI
uses it so the bench cannot rot); `python -m bench orders inbox` runs only those parts."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import inbox, intake, orders, stock  # noqa: E402
from bench.report import RESULTS, Row, table, write_json  # noqa: E402
from bench.sizes import Sizes, chosen  # noqa: E402

PARTS: dict[str, Callable[[Sizes], list[Row]]] = {
    "orders": lambda sizes: orders.calls_per_order() + orders.cpu_per_order(sizes),
    "intake": intake.intake,
    "inbox": inbox.inbox_endpoints,
    "stock": stock.stock_sync,
}


def main(argv: list[str]) -> int:
    from entrypoints.logs import configure_logging

    configure_logging(json_output=False, level="WARNING")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the sandboxes' request lines
    wanted = argv or list(PARTS)
    unknown = [name for name in wanted if name not in PARTS]
    if unknown:
        print(f"unknown part(s) {unknown}; choose from {list(PARTS)}", file=sys.stderr)
        return 2
    sizes, started, rows = chosen(), time.perf_counter(), []
    print(f"make bench: size {sizes.name}, parts {', '.join(wanted)}", flush=True)
    for name in wanted:
        part_started = time.perf_counter()
        rows += PARTS[name](sizes)
        print(f"  {name}: done in {time.perf_counter() - part_started:.0f} s", flush=True)
    print()
    print(table(rows))
    path = write_json(rows, sizes.name, time.perf_counter() - started,
                      Path(os.environ.get("BENCH_RESULTS") or RESULTS))
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
