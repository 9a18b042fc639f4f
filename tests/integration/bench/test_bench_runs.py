"""`make bench` keeps working: its small size runs end to end (real sandboxes, databases,
gunicorn) and reports every figure docs/performance.md explains. Nothing about time is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import REDIS_URL, require_postgres, require_redis

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
# the inbox section's figures, each measured on both databases (docs/performance.md)
INBOX_FIGURES = {
    "uow.inbox.page, first 50", "uow.inbox.page, needs_review", "uow.inbox.count_by_status",
    "GET /api/inbox (first page, 50)", "GET /api/inbox?status=needs_review",
    "GET /api/inbox, second page (after=)", "GET /api/inbox/counts", "/metrics",
    "sweeper, first tick ever (a channel never swept)", "sweeper tick",
    "sweeper, first tick after a restart", "inbox list (newest 50, in-process)",
    "inbox list --all --json (process)", "inbox list --all --json peak RSS",
}


def run_bench(tmp_path: Path) -> tuple[subprocess.CompletedProcess, dict]:
    env = {**os.environ, "BENCH_SIZE": "small", "BENCH_RESULTS": str(tmp_path),
           "BENCH_REDIS_URL": REDIS_URL}
    done = subprocess.run([sys.executable, "-m", "bench"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    written = sorted(tmp_path.glob("bench-small-*.json"))
    return done, json.loads(written[-1].read_text()) if written else {}


def test_the_small_bench_prints_one_table_and_writes_every_figure_as_json(tmp_path):
    # Given the services a full run uses
    require_redis()
    require_postgres()
    # When the small bench runs
    done, report = run_bench(tmp_path)
    # Then it succeeds and prints one table with every section
    assert done.returncode == 0, done.stderr[-3000:]
    for section in ("PayTraq calls per order", "worker CPU per order", "webhook intake",
                    "inbox at 500 items (sqlite)", "inbox at 500 items (postgresql)",
                    "stock sync, 600 SKUs"):
        assert section in done.stdout
    # And the JSON holds a measured value for each figure
    values = {(row["section"], row["name"]): row["value"] for row in report["rows"]}
    assert report["size"] == "small"
    assert all(value is not None for value in values.values())
    for proof in ("no write test", "write test passed"):
        calls = values[("PayTraq calls per order", f"sales_invoice: repeat buyer, {proof}")]
        assert 1 <= calls <= 20
        assert values[("PayTraq calls per order",
                       f"orders/day on the 5,000 budget, {proof}")] == 5000 // calls
    # and, side by side, the write test saves the read-back of a document created as predicted
    for scenario in ("new buyer, first after start", "new buyer, warm", "repeat buyer"):
        unproven, proven = (values[("PayTraq calls per order", f"sales_invoice: {scenario}, {p}")]
                            for p in ("no write test", "write test passed"))
        assert proven == unproven - 1, scenario
    # and a new company buyer costs one client search where the check showed the search
    # matches its keys (3, key by key, on the channel never checked), plus that read-back
    company = "sales_invoice: new company buyer (reg. no. + VAT + e-mail), warm"
    unproven, proven = (values[("PayTraq calls per order", f"{company}, {p}")]
                        for p in ("no write test", "write test passed"))
    assert proven == unproven - 3
    for kind in ("sqlite", "postgresql"):
        for figure in ("CPU per order (median)", "CPU per order, write test passed (median)"):
            assert values[("worker CPU per order", f"{kind}: {figure}")] > 0
        # and beside it, what the order's 5 PayTraq calls cost alone, by HTTP client
        floor = [values[("worker CPU per order", f"{kind}: 5 PayTraq calls alone, {client}")]
                 for client in ("the service's transport (requests)", "a bare requests.Session",
                                "http.client")]
        assert all(ms > 0 for ms in floor)
        measured = {name for (section, name), value in values.items()
                    if section == f"inbox at 500 items ({kind})" and value > 0}
        assert INBOX_FIGURES <= measured, INBOX_FIGURES - measured
    sync = {name: value for (section, name), value in values.items() if section.startswith("stock")}
    assert sync["PayTraq calls"] > 0 and sync["Mozello calls"] > 0
    assert sync["peak RSS (sync process)"] > 0
