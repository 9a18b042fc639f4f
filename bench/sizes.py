"""How big a run is: `BENCH_SIZE=full` (the default of `make bench`) or `small` (CI keeps the
bench from rotting with it; its numbers mean little)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    name: str
    inbox_items: tuple[int, ...]  # the inbox endpoints at each of these sizes
    cpu_orders: int  # orders processed per database for the CPU figure
    intake_requests: int  # webhook (and bare) requests per intake measurement
    intake_clients: int  # concurrent clients
    intake_rounds: int  # turns the intake targets take, interleaved (bench/intake.py)
    skus: int  # the stock sync's catalogue size
    repeats: int  # timed repeats of each inbox endpoint (the median is shown)


FULL = Sizes("full", (1_000, 10_000, 100_000), 40, 2_000, 8, 4, 10_000, 5)
SMALL = Sizes("small", (100, 500), 3, 100, 4, 1, 600, 2)


def chosen(env: dict[str, str] | None = None) -> Sizes:
    env = os.environ if env is None else env
    name = (env.get("BENCH_SIZE") or "full").strip().lower()
    if name not in ("full", "small"):
        raise SystemExit(f"BENCH_SIZE must be full or small, got {name!r}")
    sizes = FULL if name == "full" else SMALL
    only = env.get("BENCH_INBOX_SIZES", "").strip()
    if only:  # e.g. BENCH_INBOX_SIZES=1000,10000 to leave out the slowest size
        sizes = Sizes(**{**sizes.__dict__, "inbox_items": tuple(int(n) for n in only.split(","))})
    return sizes
