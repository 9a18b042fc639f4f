"""Webhook intake under gunicorn: the service's signed-webhook endpoint against a bare Flask
endpoint, same gunicorn settings, same load, same run — the ratio is what the service keeps of
what the web stack can do."""

from __future__ import annotations

import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from adapters.mozello.signature import sign
from adapters.storage.crypto import SecretBox
from adapters.storage.uow import SqlAlchemyUnitOfWork
from application.ports import ChannelCredentials
from bench.databases import REDIS_URL, database, kinds, reachable
from bench.report import Row
from bench.sizes import Sizes
from domain.settings import Channel, ChannelSettings
from tests.services import free_port

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests/fixtures/mozello/payment_changed_variant_shipping_discount.json"
MOZELLO_KEY = "MZL-0000000-0123456789abcdef0123456789abcdef"
WORKERS = 2  # `sales-inbox web` defaults to 2 gunicorn workers


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int]


def gunicorn(target: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    """The arguments `sales-inbox web` passes to gunicorn (entrypoints/distributed.py)."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
         str(WORKERS), "--graceful-timeout", "30", "--log-level", "warning", target],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@contextmanager
def serving(target: str, env: dict[str, str]):
    port = free_port()
    process = gunicorn(target, port, env)
    try:
        _wait_ready(port, process)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def bodies(count: int) -> list[tuple[bytes, str]]:
    """`count` different signed PAYMENT_CHANGED bodies (each a new order: no duplicates)."""
    template = json.loads(FIXTURE.read_text())
    signed = []
    for n in range(count):
        template["order"]["order_id"] = f"M-{uuid.uuid4().hex[:7]}-{n}"
        body = json.dumps(template).encode()
        signed.append((body, sign(body, MOZELLO_KEY)))
    return signed


def _post(port: int, path: str, item: tuple[bytes, str]) -> tuple[float, int]:
    body, signature = item
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", path, body, {"Content-Type": "application/json",
                                           "X-Mozello-Hash": signature})
    response = connection.getresponse()
    response.read()
    connection.close()
    return time.perf_counter() - started, response.status


@dataclass
class Target:
    """One server under load: its answers so far, over all rounds."""

    port: int
    path: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def run(self, pool: ThreadPoolExecutor, signed: list[tuple[bytes, str]]) -> None:
        started = time.perf_counter()
        answers = list(pool.map(lambda item: _post(self.port, self.path, item), signed))
        self.seconds += time.perf_counter() - started
        for seconds, status in answers:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def load(self) -> Load:
        latencies = sorted(self.latencies)
        return Load(len(latencies) / self.seconds, statistics.median(latencies) * 1000,
                    latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
                    self.statuses)


def side_by_side(targets: list[Target], signed: list[tuple[bytes, str]], clients: int,
                 rounds: int) -> list[Load]:
    """The same bodies to every target (each has its own database), in `rounds` turns, one
    target after the other: on a shared machine a burst of load elsewhere then hits every
    target alike, and the ratios stay steady while the absolute figures move."""
    warm, measured = signed[:20], signed[20:]
    size = -(-len(measured) // rounds)
    with ThreadPoolExecutor(clients) as pool:
        for target in targets:
            list(pool.map(lambda item, t=target: _post(t.port, t.path, item), warm))  # warm up
        for start in range(0, len(measured), size):
            for target in targets:
                target.run(pool, measured[start:start + size])
    return [target.load() for target in targets]


def _channel(db_url: str, engine, key: str) -> str:
    channel_id = f"bench-{uuid.uuid4().hex[:8]}"
    with SqlAlchemyUnitOfWork(engine, SecretBox(key)) as uow:
        uow.channels.add(Channel(channel_id, "Bench shop", ChannelSettings()),
                         ChannelCredentials(mozello_api_key=MOZELLO_KEY))
        uow.commit()
    return channel_id


def _forget_messages(channel_id: str) -> None:
    """Take the bench's queued deliveries out of Redis again (no worker consumes them)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for queue in [k.decode() for k in client.scan_iter("dramatiq:*.msgs")]:
        ours = [mid for mid, message in client.hgetall(queue).items() if channel_id.encode() in message]
        for start in range(0, len(ours), 500):
            client.hdel(queue, *ours[start:start + 500])
            for message_id in ours[start:start + 500]:
                client.lrem(queue.removesuffix(".msgs"), 0, message_id)


def intake(sizes: Sizes) -> list[Row]:
    section = "webhook intake (gunicorn, 2 workers)"
    signed = bodies(sizes.intake_requests + 20)
    redis_url = REDIS_URL if reachable(REDIS_URL, 6379) else ""
    with ExitStack() as stack:
        targets = [Target(stack.enter_context(serving("bench.bare_app:app", {})),
                          "/webhooks/mozello/bare")]
        for kind in kinds():
            targets.append(stack.enter_context(_service(kind, redis_url)))
        loads = side_by_side(targets, signed, sizes.intake_clients, sizes.intake_rounds)
    bare = loads[0]
    rows = [Row(section, "bare Flask endpoint", bare.requests_per_second, "req/s",
                f"p50 {bare.p50_ms:.1f} ms, p99 {bare.p99_ms:.1f} ms")]
    broker = "Redis broker" if redis_url else "in-process broker (no Redis)"
    for kind, got in zip(kinds(), loads[1:], strict=True):
        rows.append(Row(section, f"signed webhook, {kind}", got.requests_per_second, "req/s",
                        f"p50 {got.p50_ms:.1f} ms, p99 {got.p99_ms:.1f} ms, {broker}, "
                        f"answers {got.statuses}"))
        rows.append(Row(section, f"{kind}: share of the bare endpoint",
                        100 * got.requests_per_second / bare.requests_per_second, "%",
                        f"target ≥ 50 %; {sizes.intake_rounds} rounds, interleaved"))
    return rows


@contextmanager
def _service(kind: str, redis_url: str):
    """The service under gunicorn over a throw-away database of `kind`, one channel in it."""
    key = SecretBox.generate_key()
    with database(kind) as db, tempfile.TemporaryDirectory(prefix="bench-var-") as var:
        channel_id = _channel(db.url, db.engine, key)
        env = {"SALES_INBOX_DATABASE_URL": db.url, "SALES_INBOX_SECRET_KEY": key,
               "SALES_INBOX_REDIS_URL": redis_url, "SALES_INBOX_SANDBOX": "off",
               "SALES_INBOX_LOG_LEVEL": "WARNING", "SALES_INBOX_VAR_DIR": var}
        try:
            with serving("entrypoints.distributed:wsgi_app()", env) as port:
                yield Target(port, f"/webhooks/mozello/{channel_id}")
        finally:
            if redis_url:
                _forget_messages(channel_id)
