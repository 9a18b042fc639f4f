"""`sales-inbox demo`: a guided tour over the sandboxes. Everything runs in this process — both
sandboxes, the web app on a free port, the in-process broker and a worker — with in-memory
storage, so the user's database is never touched."""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass

import click
import dramatiq

from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from adapters.mozello.sandbox.server import SEED_PATH, MozelloSandbox
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.sandbox_wsgi import RunningServer, serve_in_thread
from entrypoints.bootstrap import start_process
from entrypoints.config import load_config
from entrypoints.demo.orders import place_demo_orders
from entrypoints.demo.sandbox_mode import SANDBOX_CHANNEL, Sandboxes, ensure_sandbox_channel
from entrypoints.demo.table import demo_row, explain, render_table
from entrypoints.gateways import ChannelGateways
from entrypoints.logs import configure_logging
from entrypoints.runtime import Runtime, set_runtime
from entrypoints.web.app import create_app


@dataclass
class DemoService:
    """Mozello sandbox → signed webhook → web app → broker + worker → PayTraq sandbox."""

    sandboxes: Sandboxes
    runtime: Runtime
    web: RunningServer
    worker: dramatiq.Worker

    @classmethod
    def start(cls) -> DemoService:
        paytraq = PayTraqSandbox().start()
        paytraq.controls.rate_limit = None
        mozello = MozelloSandbox(seed_path=SEED_PATH).start()
        mozello.state.rate_limit.enabled = False
        mozello.state.webhooks.delay = 0
        store = MemoryStore()  # every repository the service uses, in memory

        def uow_factory() -> InMemoryUnitOfWork:
            return InMemoryUnitOfWork(store)

        config = dataclasses.replace(load_config({}), paytraq_api_url=paytraq.base_url,
                                     mozello_api_url=mozello.base_url)
        gateways = ChannelGateways(uow_factory, paytraq.base_url, mozello.base_url,
                                   paytraq_options={"rate": 200.0, "burst": 50},
                                   mozello_options={"limiters": []})
        process = start_process(
            config, make_runtime=lambda dispatch: Runtime(config, uow_factory, gateways,
                                                          dispatch=dispatch),
            configure_log=False,
        )
        web = serve_in_thread(create_app(process.runtime, process.enqueue_delivery))
        sandboxes = Sandboxes(paytraq, mozello)
        ensure_sandbox_channel(uow_factory(), sandboxes, web.base_url)
        worker = dramatiq.Worker(process.broker, worker_threads=2, worker_timeout=100)
        worker.start()
        return cls(sandboxes, process.runtime, web, worker)

    def settle(self) -> None:
        """Deliver Mozello's queued notifications; wait until the workers are idle."""
        self.sandboxes.mozello.flush()
        broker = self.worker.broker
        for _ in range(3):
            for queue in broker.get_declared_queues():
                broker.join(queue, timeout=60_000)
            self.worker.join()

    def item(self, order_id: str):
        with self.runtime.uow_factory() as uow:
            return uow.inbox.get(SANDBOX_CHANNEL, order_id)

    def stop(self) -> None:
        self.worker.stop()
        self.worker.broker.flush_all()
        self.web.stop()
        self.sandboxes.stop()
        set_runtime(None)


def run_demo(service: DemoService) -> list[dict]:
    """Place the demo orders, let the pipeline run, and read back one row per order."""
    placed = place_demo_orders(service.sandboxes.mozello)
    service.settle()
    items = {p.order_id: service.item(p.order_id) for p in placed}
    mozello_orders = service.sandboxes.mozello.state.orders
    rows = [demo_row(dataclasses.replace(p, order=mozello_orders[p.order_id].data),
                     items[p.order_id], service.sandboxes.paytraq.state) for p in placed]
    explain(rows, items)
    return rows


@click.command()
@click.option("--json", "as_json", is_flag=True, help="print the rows as JSON")
def demo(as_json):
    """A guided tour: realistic orders through both sandboxes, then what happened to each."""
    configure_logging(level="WARNING")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    service = DemoService.start()
    try:
        rows = run_demo(service)
    finally:
        service.stop()
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    click.echo("Sales Inbox demo — Mozello sandbox → signed webhook → Sales Inbox → PayTraq "
               "sandbox.\nIn-memory storage (your database is not touched); the PayTraq client "
               "runs at sandbox pace (the real PayTraq allows about 1 request/s).\n")
    click.echo(render_table(rows))
    click.echo("\nSee README.md, \"The inbox\", for what each status means.")
