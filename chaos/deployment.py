"""The deployment under test: a private Redis it can restart, a throw-away PostgreSQL database,
the two sandboxes, and the real processes (gunicorn web, two Dramatiq workers, the scheduler)."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

import redis
import requests
import sqlalchemy as sa

from adapters.mozello.sandbox.server import SEED_PATH, MozelloSandbox
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.storage.crypto import SecretBox
from adapters.storage.uow import SqlAlchemyUnitOfWork
from domain.settings import StockSyncSettings
from entrypoints.demo.sandbox_mode import SANDBOX_CHANNEL, Sandboxes, ensure_sandbox_channel

BIN = Path(sys.executable).with_name("sales-inbox")
POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds: float, what: str, every: float = 0.5) -> float:
    """Poll until `condition()` is true; the seconds it took. AssertionError on timeout."""
    started = time.monotonic()
    last = None
    while time.monotonic() - started < seconds:
        try:
            if condition():
                return time.monotonic() - started
        except Exception as error:  # noqa: BLE001 - keep waiting while things start
            last = error
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what} ({last})")


class PrivateRedis:
    """redis-server on its own port and directory, with an append-only file (as production
    should run it), so that a restart keeps the queue."""

    def __init__(self, directory: Path):
        self.directory, self.port = directory, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.directory), "--appendonly", "yes", "--save", "", "--logfile",
             str(self.directory / "redis.log")], start_new_session=True)
        wait_for(lambda: redis.Redis.from_url(self.url).ping(), 20, "the private Redis")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis flushes its append-only file and exits
            self.process.wait(timeout=30)
        self.process = None

    def restart(self, down_seconds: float = 2.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()


class ThrowawayDatabase:
    def __init__(self, admin_url: str = POSTGRES):
        self.admin = sa.make_url(admin_url)
        self.name = f"sales_inbox_chaos_{uuid.uuid4().hex[:10]}"
        self.url = self.admin.set(database=self.name)

    def create(self) -> None:
        engine = sa.create_engine(self.admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        engine.dispose()

    def drop(self) -> None:
        engine = sa.create_engine(self.admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        engine.dispose()


@dataclass
class Processes:
    env: dict
    logs: Path
    running: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - the child writes to it
        process = subprocess.Popen([str(BIN), *args], env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.running[name] = process
        return process

    def signal_group(self, name: str, sig: signal.Signals) -> None:
        os.killpg(self.running[name].pid, sig)

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@dataclass
class Deployment:
    redis: PrivateRedis
    database: ThrowawayDatabase
    paytraq: PayTraqSandbox
    mozello: MozelloSandbox
    processes: Processes
    web_url: str
    secret_key: str
    uow: SqlAlchemyUnitOfWork
    api_token: str = ""  # /api/* (SALES_INBOX_API_TOKEN)
    metrics_token: str = ""  # /metrics (SALES_INBOX_METRICS_TOKEN)
    channel_id: str = SANDBOX_CHANNEL

    @property
    def secrets(self) -> list[str]:
        """Everything that must never appear in a log, the database or Redis."""
        return [self.secret_key, self.mozello.api_key, self.paytraq.api_key,
                self.paytraq.api_token, self.api_token, self.metrics_token]

    def start_worker(self, name: str) -> None:
        self.processes.start(name, "worker", "--processes", "1", "--threads", "4")


def start(workdir: Path, poll_minutes: int = 1) -> Deployment:
    """Everything up and the sandbox channel created; `stop(deployment)` tears it all down."""
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    private_redis = PrivateRedis(workdir / "redis")
    private_redis.start()
    database = ThrowawayDatabase()
    database.create()
    engine = sa.create_engine(database.url)
    from adapters.storage.migrate import migrate

    migrate(engine)
    paytraq = PayTraqSandbox().start()
    paytraq.controls.rate_limit, paytraq.controls.daily_limit = None, None
    mozello = MozelloSandbox(seed_path=SEED_PATH).start(deliver_in_background=True)
    mozello.state.rate_limit.enabled = False
    key = SecretBox.generate_key()
    api_token, metrics_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    port = free_port()
    web_url = f"http://127.0.0.1:{port}"
    uow = SqlAlchemyUnitOfWork(engine, SecretBox(key))
    channel = ensure_sandbox_channel(uow, Sandboxes(paytraq, mozello), web_url)
    with uow:  # no daily stock sync: it would set the shop's stock from PayTraq mid-run
        settings = replace(channel.settings, stock_sync=StockSyncSettings())
        uow.channels.update(replace(channel, settings=settings))
        uow.commit()
    env = {**os.environ,
           "SALES_INBOX_DATABASE_URL": database.url.render_as_string(hide_password=False),
           "SALES_INBOX_REDIS_URL": private_redis.url, "SALES_INBOX_SECRET_KEY": key,
           "SALES_INBOX_SANDBOX": "off", "SALES_INBOX_VAR_DIR": str(workdir / "var"),
           "SALES_INBOX_PAYTRAQ_RATE": "150", "SALES_INBOX_PAYTRAQ_BURST": "50",
           "SALES_INBOX_PAYTRAQ_DAILY_LIMIT": "10000000",
           "SALES_INBOX_POLL_MINUTES": str(poll_minutes),
           "PAYTRAQ_API_URL": paytraq.base_url, "MOZELLO_API_URL": mozello.base_url,
           "SALES_INBOX_LOG_FORMAT": "json", "SALES_INBOX_LOG_LEVEL": "INFO",
           # the deployment as production runs it: every route but /healthz and the signed
           # webhook needs its token (security, issue 15)
           "SALES_INBOX_API_TOKEN": api_token, "SALES_INBOX_METRICS_TOKEN": metrics_token}
    processes = Processes(env, workdir)
    deployment = Deployment(private_redis, database, paytraq, mozello, processes, web_url, key,
                            uow, api_token, metrics_token)
    processes.start("web", "web", "--port", str(port), "--workers", "2")
    deployment.start_worker("worker-a")
    deployment.start_worker("worker-b")
    processes.start("scheduler", "scheduler")
    wait_for(lambda: requests.get(f"{web_url}/healthz", timeout=2).ok, 60, "the web process")
    return deployment


def stop(deployment: Deployment) -> None:
    deployment.processes.stop_all()
    deployment.mozello.stop()
    deployment.paytraq.stop()
    deployment.uow.engine.dispose()
    deployment.redis.stop()
    deployment.database.drop()
