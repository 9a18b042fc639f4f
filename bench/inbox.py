"""The inbox as it grows: a page of the listing and the counts per status (the repository, then
the real `GET /api/inbox` endpoints through Flask's test client, token and all), /metrics, one
sweeper tick, `inbox list` (the newest 50, in-process) and `inbox list --all --json` (a process of
its own), at each size of `Sizes.inbox_items`. Items are seeded with bulk inserts; the figures
are server-side times (median of a few runs) and the full listing's wall time and peak RSS."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from adapters.clock import SystemClock
from adapters.mozello import wire
from adapters.mozello.schemas import load_order
from adapters.storage.crypto import SecretBox
from adapters.storage.rows import item_to_row
from adapters.storage.tables import inbox_items
from adapters.storage.uow import SqlAlchemyUnitOfWork
from application.inbox_listing import InboxQuery
from application.ports import ChannelCredentials
from bench.databases import database, kinds
from bench.report import Row
from bench.sizes import Sizes
from domain.inbox import DocumentRecord, InboxItem, InboxStatus, PaymentRecord, Step
from domain.orders import PaymentStatus
from domain.settings import Channel
from entrypoints.cli.inbox import inbox
from entrypoints.config import load_config
from entrypoints.demo.sandbox_mode import sandbox_settings
from entrypoints.runtime import Runtime, set_runtime
from entrypoints.web.app import create_app
from entrypoints.worker.scheduler import Jobs

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests/fixtures/mozello/payment_changed_variant_shipping_discount.json"
CHANNELS = ("shop-a", "shop-b", "shop-c")
# a settled shop: nearly everything done, a little waiting for people, a little unpaid
MIX = ((InboxStatus.EMAILED, 94), (InboxStatus.NEEDS_REVIEW, 3), (InboxStatus.FAILED, 1),
       (InboxStatus.RECEIVED, 1), (InboxStatus.CANCELLED, 1))
END = datetime.now(UTC) - timedelta(minutes=10)  # the newest item; one every 5 minutes before

METRICS_TOKEN = "bench-metrics-token-0123456789"
API_TOKEN = "bench-api-token-0123456789abcdef"


def _template(status: InboxStatus) -> dict:
    order = load_order(wire.decode(FIXTURE.read_bytes())["order"])
    at = END
    item = InboxItem("shop-a", order.order_id, order, received_at=at, status=status,
                     updated_at=at, shop_total=order.total)
    item.steps = [Step("received", at, {"event": "PAYMENT_CHANGED", "source": "webhook"})]
    if status in (InboxStatus.EMAILED, InboxStatus.CANCELLED):
        item.document = DocumentRecord("15600001", order.order_id, "sales_order", "in_process",
                                       order.total)
        item.document_created_at = item.finalised_at = at
        item.payment = PaymentRecord(order.total, "5011", True, at, "9001")
        item.emailed_at, item.emailed_to = at, order.customer.email
        item.paytraq_total, item.paytraq_calls = order.total, 6
        item.steps += [Step(name, at, {"document_id": "15600001"})
                       for name in ("document_created", "approved", "paid", "emailed")]
    if status is InboxStatus.FAILED:
        item.error, item.attempts = "PermanentError: PayTraq refused the client", 1
    if status is InboxStatus.RECEIVED:  # a bank transfer not paid yet
        item.order = replace(order, payment_method="banktransfer",
                             payment_status=PaymentStatus.PENDING)
    return item_to_row(item)


def seed(engine: sa.Engine, count: int, already: int) -> None:
    """Items `already`..`count-1`, one every 5 minutes back from END (288 orders a day), with
    bulk inserts."""
    templates = {status: _template(status) for status, _ in MIX}
    cycle = [status for status, share in MIX for _ in range(share)]
    rows = []
    with engine.begin() as connection:
        for n in range(already, count):
            row = dict(templates[cycle[n % len(cycle)]])
            order_id = f"M-{1_000_000 + n}"
            at = END - timedelta(minutes=5 * n)
            row.update(channel_id=CHANNELS[n % len(CHANNELS)], order_id=order_id,
                       order={**row["order"], "order_id": order_id}, received_at=at,
                       updated_at=at, search_text=f"{order_id.lower()} {row['search_text']}",
                       version=1)
            rows.append(row)
            if len(rows) == 5_000:
                connection.execute(sa.insert(inbox_items), rows)
                rows = []
        if rows:
            connection.execute(sa.insert(inbox_items), rows)
    _analyse(engine)


def _analyse(engine: sa.Engine) -> None:
    """Statistics (and PostgreSQL's visibility map) as a live database has them after its
    background maintenance; fresh bulk inserts would otherwise be read as an unknown table."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE inbox_items")


def median_ms(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


_MEASURED_CLI = """
import atexit, runpy, sys
from bench.memory import peak_rss_mb
atexit.register(lambda: sys.stderr.write(f"BENCH_PEAK_RSS_MB {peak_rss_mb()}\\n"))
sys.argv = ["sales-inbox", *sys.argv[1:]]
runpy.run_module("entrypoints.cli.main", run_name="__main__")
"""


def _cli_list_json(db_url: str, key: str) -> tuple[float, float]:
    """`sales-inbox inbox list --all --json` (every item) in its own process: wall ms and peak
    RSS in MB."""
    with tempfile.TemporaryDirectory(prefix="bench-var-") as var:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SALES_INBOX_DATABASE_URL": db_url,
               "SALES_INBOX_SECRET_KEY": key, "SALES_INBOX_SANDBOX": "off",
               "SALES_INBOX_VAR_DIR": var, "SALES_INBOX_LOG_LEVEL": "WARNING"}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _MEASURED_CLI, "inbox", "list", "--all",
                               "--json"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, check=False)
        wall = (time.perf_counter() - started) * 1000
        if done.returncode:
            raise RuntimeError(f"inbox list --all --json exited {done.returncode}: "
                               f"{done.stderr[-2000:]}")
        peak = [line for line in done.stderr.splitlines() if line.startswith("BENCH_PEAK_RSS_MB")]
        return wall, float(peak[-1].split()[1])


def _measure(runtime: Runtime, db_url: str, key: str, repeats: int) -> dict[str, float]:
    app = create_app(runtime, lambda channel_id, delivery_id: None)
    client = app.test_client()
    sent: list = []
    jobs = Jobs(runtime, send_process=lambda c, o: sent.append(o), send_poll=lambda c: None)
    restarted = Jobs(runtime, send_process=lambda c, o: sent.append(o), send_poll=lambda c: None)

    def page():
        with runtime.uow_factory() as uow:
            return uow.inbox.page(InboxQuery(), 50)

    def needs_review_page():
        with runtime.uow_factory() as uow:
            return uow.inbox.page(InboxQuery(status=InboxStatus.NEEDS_REVIEW), 50)

    def counts():
        with runtime.uow_factory() as uow:
            return uow.inbox.count_by_status(InboxQuery())

    def metrics():
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert answer.status_code == 200

    def api(path: str, **query):
        answer = client.get(path, query_string=query,
                            headers={"Authorization": f"Bearer {API_TOKEN}"})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer

    second_page = api("/api/inbox").headers["X-Next-Cursor"]  # where the first page ended

    def cli_list():
        result = CliRunner().invoke(inbox, ["list"], catch_exceptions=False)
        assert result.exit_code == 0, result.output

    figures = {
        "uow.inbox.page, first 50": median_ms(page, repeats),
        "uow.inbox.page, needs_review": median_ms(needs_review_page, repeats),
        "uow.inbox.count_by_status": median_ms(counts, repeats),
        "GET /api/inbox (first page, 50)": median_ms(lambda: api("/api/inbox"), repeats),
        "GET /api/inbox?status=needs_review": median_ms(
            lambda: api("/api/inbox", status="needs_review"), repeats),
        "GET /api/inbox, second page (after=)": median_ms(
            lambda: api("/api/inbox", after=second_page), repeats),
        "GET /api/inbox/counts": median_ms(lambda: api("/api/inbox/counts"), repeats),
        "/metrics": median_ms(metrics, repeats),
        "sweeper, first tick ever (a channel never swept)": median_ms(jobs.sweep, 1),
        "sweeper tick": median_ms(jobs.sweep, repeats),
        "sweeper, first tick after a restart": median_ms(restarted.sweep, 1),
    }
    set_runtime(runtime)  # the command reads the bench's database, as its own process would
    try:
        figures["inbox list (newest 50, in-process)"] = median_ms(cli_list, repeats)
    finally:
        set_runtime(None)
    wall, rss = _cli_list_json(db_url, key)
    figures["inbox list --all --json (process)"] = wall
    figures["inbox list --all --json peak RSS"] = rss
    return figures


def inbox_endpoints(sizes: Sizes) -> list[Row]:
    rows = []
    for kind in kinds():
        key = SecretBox.generate_key()
        with database(kind) as db:
            box = SecretBox(key)

            def uow_factory() -> SqlAlchemyUnitOfWork:
                return SqlAlchemyUnitOfWork(db.engine, box)  # noqa: B023 - used in this loop only

            with uow_factory() as uow:
                for channel_id in CHANNELS:
                    uow.channels.add(Channel(channel_id, channel_id, sandbox_settings()),
                                     ChannelCredentials())
                uow.commit()
            # Prometheus and API clients send their tokens; the bench times the guard with them
            config = replace(load_config({}), redis_url=None, metrics_token=METRICS_TOKEN,
                             api_token=API_TOKEN)
            runtime = Runtime(config, uow_factory, gateways=None, clock=SystemClock())
            by_size, seeded = {}, 0
            for size in sizes.inbox_items:
                seed(db.engine, size, seeded)
                seeded = size
                by_size[size] = _measure(runtime, db.url, key, sizes.repeats)
            rows += _rows(kind, by_size)
    return rows


def _rows(kind: str, by_size: dict[int, dict[str, float]]) -> list[Row]:
    smallest, largest = min(by_size), max(by_size)
    rows = []
    for name in by_size[largest]:
        unit = "MB" if "RSS" in name else "ms"
        spread = ", ".join(f"{size:,}: {figures[name]:,.1f}" for size, figures in by_size.items())
        ratio = by_size[largest][name] / max(by_size[smallest][name], 1e-9)
        rows.append(Row(f"inbox at {largest:,} items ({kind})", name, by_size[largest][name], unit,
                        f"{spread} {unit}; {largest:,}/{smallest:,} = {ratio:.1f}×"))
    return rows

