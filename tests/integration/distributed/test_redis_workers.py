"""The distributed mode for real: `sales-inbox web` (gunicorn) and two `sales-inbox worker`
processes on a real Redis broker, between the two sandboxes, on SQLite and on PostgreSQL.
A worker stopped with SIGTERM in the middle of the flow, and started again, loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import requests

from adapters.mozello.sandbox.server import SEED_PATH, MozelloSandbox
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.storage.crypto import SecretBox
from adapters.storage.uow import SqlAlchemyUnitOfWork
from entrypoints.demo.sandbox_mode import SANDBOX_CHANNEL, Sandboxes, ensure_sandbox_channel
from tests.integration.storage.conftest import _backend, postgres_engine  # noqa: F401
from tests.services import free_port, require_redis

BIN = Path(sys.executable).with_name("sales-inbox")
METRICS_TOKEN = "distributed-metrics-token-0123"




def deployment_redis() -> str:
    """The run's own Redis database (TEST_REDIS_URL): test runs side by side on one Redis each
    have their own queues, so no run's workers take another run's messages."""
    return require_redis()


class Processes:
    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.running = env, logs, []

    def start(self, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{args[0]}-{len(self.running)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen([str(BIN), *args], env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen, timeout: float = 60) -> int:
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=timeout)

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture(params=["sqlite", "postgresql"])
def deployment(request, tmp_path):
    redis_url = deployment_redis()
    redis.Redis.from_url(redis_url).flushdb()
    backends = _backend(request.param, request, tmp_path)
    backend = next(backends)
    key = SecretBox.generate_key()
    paytraq = PayTraqSandbox().start()
    paytraq.controls.rate_limit = None
    mozello = MozelloSandbox(seed_path=SEED_PATH).start()
    mozello.state.webhooks.delay = 0
    mozello.state.rate_limit.enabled = False
    port = free_port()
    web_url = f"http://127.0.0.1:{port}"
    uow = SqlAlchemyUnitOfWork(backend.engine, SecretBox(key))
    ensure_sandbox_channel(uow, Sandboxes(paytraq, mozello), web_url)
    env = {
        **os.environ,
        "SALES_INBOX_DATABASE_URL": backend.engine.url.render_as_string(hide_password=False),
        "SALES_INBOX_REDIS_URL": redis_url,
        "SALES_INBOX_SECRET_KEY": key,
        "SALES_INBOX_SANDBOX": "off",
        "SALES_INBOX_VAR_DIR": str(tmp_path / "var"),
        "SALES_INBOX_PAYTRAQ_RATE": "100",
        "SALES_INBOX_PAYTRAQ_BURST": "20",
        "PAYTRAQ_API_URL": paytraq.base_url,
        "MOZELLO_API_URL": mozello.base_url,
        "SALES_INBOX_LOG_FORMAT": "json",
        "SALES_INBOX_METRICS_TOKEN": METRICS_TOKEN,
    }
    processes = Processes(env, tmp_path)
    try:
        processes.start("web", "--port", str(port), "--workers", "2")
        workers = [processes.start("worker", "--processes", "1", "--threads", "2")
                   for _ in range(2)]
        wait_for(lambda: requests.get(f"{web_url}/healthz", timeout=2).ok, 60, "web to start")
        yield Deployment(backend, uow, paytraq, mozello, processes, workers, web_url)
    finally:
        processes.stop_all()
        mozello.stop()
        paytraq.stop()
        for _ in backends:  # the backend's own teardown (engine disposed, tables emptied)
            pass


class Deployment:
    def __init__(self, backend, uow, paytraq, mozello, processes, workers, web_url):
        self.backend, self.uow, self.paytraq, self.mozello = backend, uow, paytraq, mozello
        self.processes, self.workers, self.web_url = processes, workers, web_url

    def statuses(self, order_ids):
        with self.uow as uow:
            items = {i.order_id: i for i in uow.inbox.list(SANDBOX_CHANNEL)}
        return {o: (items[o].status.value if o in items else None) for o in order_ids}

    def sales(self, ref):
        return [s for s in self.paytraq.state.sales.values() if s.ref == ref]


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    last_error = None
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception as error:  # noqa: BLE001 - keep waiting while the process starts
            last_error = error
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what} ({last_error})")


def test_orders_flow_through_gunicorn_redis_and_two_worker_processes(deployment):
    # Given the web app and two worker processes on Redis
    orders = [deployment.mozello.place_order([("TT-100", 1)], paid=True,
                                             customer={"email": f"buyer{i}@example.com"})
              for i in range(6)]
    ids = [o["order_id"] for o in orders]
    # When Mozello delivers the notifications
    deployment.mozello.flush()
    # Then every order ends e-mailed, with exactly one document each
    wait_for(lambda: set(deployment.statuses(ids).values()) == {"emailed"}, 120,
             f"orders to be processed: {deployment.statuses(ids)}")
    assert all(len(deployment.sales(i)) == 1 for i in ids)
    # and the web process's /metrics sees what the worker processes did (through Redis)
    metrics = requests.get(f"{deployment.web_url}/metrics", timeout=5,
                           headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    processed = [line for line in metrics.splitlines()
                 if line.startswith('sales_inbox_messages_total{actor="process_order",'
                                    'outcome="processed"}')]
    assert processed and int(processed[0].rsplit(" ", 1)[1]) >= len(ids)


def test_a_worker_stopped_mid_flow_and_restarted_loses_nothing(deployment):
    # Given one worker only, and a PayTraq that answers each call half a second late, so that a
    # burst of eight orders takes the worker well over ten seconds
    deployment.processes.stop(deployment.workers[1])
    for method in ("GET", "POST"):
        deployment.paytraq.controls.inject(method, ".*", "latency", seconds=0.5, times=None)
    orders = [deployment.mozello.place_order([("NB-A5", 1)], paid=True,
                                             customer={"email": f"burst{i}@example.com"})
              for i in range(8)]
    ids = [o["order_id"] for o in orders]
    deployment.mozello.flush()
    wait_for(lambda: len(deployment.paytraq.state.sales) > 0, 60,
             f"the worker to create a first document: {deployment.statuses(ids)}")
    # When that worker is stopped gracefully mid-flow
    exit_code = deployment.processes.stop(deployment.workers[0])
    assert exit_code == 0
    # (it was: it had booked some orders, and left others for later)
    at_stop = deployment.statuses(ids)
    assert any(status not in (None, "received") for status in at_stop.values()), at_stop
    assert any(status != "emailed" for status in at_stop.values()), at_stop
    # and a new worker is started, PayTraq answering promptly again
    deployment.paytraq.controls.faults.clear()
    deployment.processes.start("worker", "--processes", "1", "--threads", "2")
    # Then every order still ends e-mailed, each with exactly one document and one payment
    wait_for(lambda: set(deployment.statuses(ids).values()) == {"emailed"}, 180,
             f"orders to finish: {deployment.statuses(ids)}")
    for order_id in ids:
        (sale,) = deployment.sales(order_id)
        assert len(sale.messages) == 1
    payments = [p for p in deployment.paytraq.state.payments.values()]
    assert sorted(p.sale_id for p in payments) == sorted(deployment.sales(i)[0].id for i in ids)


def test_two_schedulers_elect_one_leader_and_stop_cleanly(tmp_path):
    redis_url = deployment_redis()
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    env = {**os.environ, "SALES_INBOX_REDIS_URL": redis_url,
           "SALES_INBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "SALES_INBOX_SECRET_KEY": SecretBox.generate_key(),
           "SALES_INBOX_VAR_DIR": str(tmp_path / "var"), "SALES_INBOX_SANDBOX": "off"}
    processes = Processes(env, tmp_path)
    try:
        first = processes.start("scheduler")
        wait_for(lambda: client.get("sales-inbox:scheduler") is not None, 30, "a leader")
        lease = client.get("sales-inbox:scheduler")
        second = processes.start("scheduler")
        # the second finds the lease taken and stands by (it says so in its log)
        standby_log = tmp_path / "scheduler-1.log"
        wait_for(lambda: b"scheduler_standing_by" in standby_log.read_bytes(), 30,
                 "the second scheduler to stand by")
        assert client.get("sales-inbox:scheduler") == lease
        assert first.poll() is None and second.poll() is None
        # When the leader stops, it hands over: the standby takes the lease at its next beat
        assert processes.stop(first, timeout=30) == 0
        wait_for(lambda: client.get("sales-inbox:scheduler") not in (None, lease), 20,
                 "the standby to take over")
        assert processes.stop(second, timeout=30) == 0
    finally:
        processes.stop_all()
