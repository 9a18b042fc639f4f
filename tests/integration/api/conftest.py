"""The JSON API on the real web app and real SQLite storage, its channel connected to the PayTraq
and Mozello sandboxes (in this process), work done in-process (no broker): Flask's test client."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.mozello.sandbox.server import SEED_PATH, MozelloSandbox
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.storage.crypto import SecretBox
from adapters.storage.engine import make_engine
from adapters.storage.locks import SqlLock
from adapters.storage.migrate import migrate
from adapters.storage.uow import SqlAlchemyUnitOfWork
from application.commands import PollOrders
from entrypoints.config import load_config
from entrypoints.demo.sandbox_mode import SANDBOX_CHANNEL, Sandboxes, ensure_sandbox_channel
from entrypoints.gateways import ChannelGateways
from entrypoints.runtime import Runtime
from entrypoints.web.app import create_app

NOWHERE = "http://127.0.0.1:9"  # Mozello's webhooks go nowhere: these tests poll instead


API_TOKEN = "api-test-token-0123456789"
AUTHORIZED = {"Authorization": f"Bearer {API_TOKEN}"}


@dataclass
class Api:
    client: object
    runtime: Runtime
    paytraq: PayTraqSandbox
    mozello: MozelloSandbox
    app: object
    channel_id: str = SANDBOX_CHANNEL

    def get(self, path: str, **options):
        return self.client.get(f"/api{path}", **self._signed(options))

    def post(self, path: str, **options):
        return self.client.post(f"/api{path}", **self._signed(options))

    def put(self, path: str, **options):
        return self.client.put(f"/api{path}", **self._signed(options))

    def _signed(self, options: dict) -> dict:
        """A machine's request: the bearer token, unless the test sends headers of its own."""
        if "headers" not in options:
            options["headers"] = {"Authorization": f"Bearer {self.runtime.config.api_token}"}
        return options

    def order(self, items=(("TT-100", 1),), **options) -> dict:
        """An order placed in the Mozello sandbox and caught by the poll (processed if the
        channel's switches say so)."""
        placed = self.mozello.place_order(list(items), **options)
        self.runtime.bus().handle(PollOrders(self.channel_id))
        return placed

    def configure(self, **changes) -> None:
        with self.runtime.uow_factory() as uow:
            channel = uow.channels.get(self.channel_id)
            uow.channels.update(dataclasses.replace(
                channel, settings=dataclasses.replace(channel.settings, **changes)))
            uow.commit()


@contextmanager
def running_api(directory: Path) -> Iterator[Api]:
    """The app on a fresh SQLite file in `directory`, with the sandbox channel."""
    paytraq = PayTraqSandbox().start()
    paytraq.controls.rate_limit = None
    mozello = MozelloSandbox(seed_path=SEED_PATH).start()
    mozello.state.rate_limit.enabled = False
    engine = make_engine(f"sqlite:///{directory / 'sales-inbox.sqlite3'}")
    migrate(engine)
    box = SecretBox(SecretBox.generate_key())

    def new_uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(engine, box)

    config = dataclasses.replace(
        load_config({"SALES_INBOX_VAR_DIR": str(directory)}),
        paytraq_api_url=paytraq.base_url, mozello_api_url=mozello.base_url,
        paytraq_rate=500.0, paytraq_burst=100, public_url=NOWHERE, api_token=API_TOKEN,
    )
    gateways = ChannelGateways(new_uow, paytraq.base_url, mozello.base_url,
                               paytraq_options={"rate": 500.0, "burst": 100},
                               mozello_options={"limiters": []})
    lock = SqlLock(engine)
    runtime = Runtime(config, new_uow, gateways, stock_lock=lock, order_lock=lock)
    app = create_app(runtime, lambda channel_id, delivery_id: None)
    ensure_sandbox_channel(new_uow(), Sandboxes(paytraq, mozello), NOWHERE)
    try:
        yield Api(app.test_client(), runtime, paytraq, mozello, app)
    finally:
        gateways.flush_audit()
        mozello.stop()
        paytraq.stop()
        engine.dispose()


@pytest.fixture
def api(tmp_path) -> Iterator[Api]:
    with running_api(tmp_path) as running:
        yield running
