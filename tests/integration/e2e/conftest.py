"""Sales Inbox as it runs in embedded mode — real web app on a port, Dramatiq in-process broker
and worker threads — between the Mozello sandbox and the PayTraq sandbox."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import dramatiq
import pytest

from adapters.mozello.sandbox.server import SEED_PATH, MozelloSandbox
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.sandbox_wsgi import serve_in_thread
from adapters.storage.locks import SqlLock
from entrypoints.bootstrap import start_process
from entrypoints.config import load_config
from entrypoints.demo.sandbox_mode import SANDBOX_CHANNEL, Sandboxes, ensure_sandbox_channel
from entrypoints.gateways import ChannelGateways
from entrypoints.runtime import Runtime
from entrypoints.web.app import create_app
from entrypoints.web.proxies import parse_trusted_proxies
from entrypoints.web.relay import DeliveryRelay
from tests.integration.storage.conftest import _backend, postgres_engine  # noqa: F401
from tests.shared_broker import leave_idle

API_TOKEN = "e2e-api-token-0123456789"
METRICS_TOKEN = "e2e-metrics-token-0123456789"


@dataclass
class Service:
    runtime: Runtime
    paytraq: PayTraqSandbox
    mozello: MozelloSandbox
    base_url: str
    worker: dramatiq.Worker
    app: object = None
    relay: DeliveryRelay | None = None
    channel_id: str = SANDBOX_CHANNEL
    api_headers = {"Authorization": f"Bearer {API_TOKEN}"}
    metrics_headers = {"Authorization": f"Bearer {METRICS_TOKEN}"}

    def settle(self) -> None:
        """Deliver Mozello's queued notifications and wait for the workers to finish."""
        self.mozello.flush()
        self.join()

    def join(self) -> None:
        broker = self.worker.broker
        for _ in range(3):
            if self.relay is not None:
                self.relay.drain()  # the web's webhooks still on their way to the queue
            for queue in broker.get_declared_queues():
                broker.join(queue, timeout=60_000)
            self.worker.join()

    def item(self, order_id: str):
        with self.runtime.uow_factory() as uow:
            return uow.inbox.get(self.channel_id, order_id)

    def sales(self, ref: str):
        return [s for s in self.paytraq.state.sales.values() if s.ref == ref]

    def configure(self, **changes) -> None:
        with self.runtime.uow_factory() as uow:
            channel = uow.channels.get(self.channel_id)
            uow.channels.update(dataclasses.replace(
                channel, settings=dataclasses.replace(channel.settings, **changes)))
            uow.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def storage(request, tmp_path):
    """The service's database: SQLite (the embedded default) and PostgreSQL (production)."""
    yield from _backend(request.param, request, tmp_path)


@pytest.fixture
def service(tmp_path, storage):
    uow_factory = storage.new_uow
    paytraq = PayTraqSandbox().start()
    paytraq.controls.rate_limit = None
    mozello = MozelloSandbox(seed_path=SEED_PATH).start()
    mozello.state.webhooks.delay = 0
    mozello.state.rate_limit.enabled = False
    config = dataclasses.replace(
        load_config({"SALES_INBOX_VAR_DIR": str(tmp_path)}),
        paytraq_api_url=paytraq.base_url,
        mozello_api_url=mozello.base_url,
        api_token=API_TOKEN,
        metrics_token=METRICS_TOKEN,
        trusted_proxies=parse_trusted_proxies("127.0.0.1"),  # as behind nginx on this host
    )
    # PayTraq allows about 1 request a second; the sandboxes here are local, so the tests
    # lift the client's pace (the limiter itself is tested in tests/integration/paytraq).
    gateways = ChannelGateways(uow_factory, paytraq.base_url, mozello.base_url,
                               paytraq_options={"rate": 200.0, "burst": 50},
                               mozello_options={"limiters": []})
    process = start_process(
        config,
        make_runtime=lambda dispatch: Runtime(
            config, uow_factory, gateways, dispatch=dispatch,
            stock_lock=SqlLock(storage.engine), order_lock=SqlLock(storage.engine)),
        configure_log=False,
    )
    relay = process.relay()
    app = create_app(process.runtime, relay)  # the web's outbox, as in production
    web = serve_in_thread(app)
    ensure_sandbox_channel(uow_factory(), Sandboxes(paytraq, mozello), web.base_url)
    worker = dramatiq.Worker(process.broker, worker_threads=2, worker_timeout=100)
    worker.start()
    try:
        yield Service(process.runtime, paytraq, mozello, web.base_url, worker, app, relay)
    finally:
        worker.stop()
        relay.drain()  # nothing left for the relay's thread to send into a later test
        leave_idle(process.broker)
        web.stop()
        mozello.stop()
        paytraq.stop()
        process.stop()
