"""`sales-inbox serve`: the web app, and in embedded mode the workers and the scheduler too."""

from __future__ import annotations

import signal
import threading
from dataclasses import replace

import dramatiq
import structlog
from werkzeug.serving import make_server

from adapters.clock import SystemClock
from entrypoints.config import Config
from entrypoints.console_users import announce_console_users
from entrypoints.demo.sandbox_mode import (
    ensure_sandbox_channel,
    start_sandboxes,
    wants_sandboxes,
)
from entrypoints.runtime import build_runtime, open_storage, set_runtime
from entrypoints.worker.broker import setup_broker
from entrypoints.worker.scheduler import Jobs, start_scheduler

logger = structlog.get_logger()


def serve(config: Config) -> None:
    config.check_exposure(config.host)
    storage = open_storage(config)
    sandboxes = None
    sandbox_mode = wants_sandboxes(config, storage.uow_factory())
    announce_console_users(storage.uow_factory, SystemClock(), sandbox_mode,
                           f"http://{config.host}:{config.port}")
    if sandbox_mode:
        sandboxes = start_sandboxes()
        config = replace(config, paytraq_api_url=sandboxes.paytraq.base_url,
                         mozello_api_url=sandboxes.mozello.base_url)
        logger.warning(
            "SANDBOX MODE: no real PayTraq/Mozello credentials are configured, so Sales Inbox "
            "talks to its built-in sandboxes",
            paytraq_sandbox=sandboxes.paytraq.base_url,
            mozello_sandbox=sandboxes.mozello.base_url,
        )
        logger.warning(
            "place a sandbox order: curl -X POST "
            f"{sandboxes.mozello.base_url.removesuffix('v1/')}sandbox/orders/ -H 'Content-Type: "
            "application/json' -d '{\"items\": [[\"TT-100\", 1]], \"paid\": true}'"
        )
    runtime = build_runtime(config, storage)
    broker = setup_broker(config.redis_url)
    from entrypoints.worker import actors

    runtime.dispatch = actors.dispatch
    set_runtime(runtime)
    if sandboxes is not None:
        ensure_sandbox_channel(storage.uow_factory(), sandboxes, config.public_url)

    worker = stop_scheduler = None
    if config.embedded:
        worker = dramatiq.Worker(broker, worker_threads=config.worker_threads)
        worker.start()
        jobs = Jobs(
            runtime,
            send_process=lambda c, o: actors.process_order.send(c, o),
            send_poll=lambda c: actors.poll_orders.send(c),
            **daily_sync_jobs(actors, runtime),
        )
        stop_scheduler = start_scheduler(runtime, jobs, config.poll_minutes)

    from entrypoints.web.app import create_app

    app = create_app(runtime, lambda c, d: actors.receive_delivery.send(c, d))
    server = make_server(config.host, config.port, app, threaded=True)
    logger.info("serving", url=f"http://{config.host}:{server.server_port}",
                mode="embedded" if config.embedded else "distributed",
                database=config.database_url.split("://")[0])

    def shutdown(signum, frame):
        logger.info("shutting_down", signal=signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    try:
        server.serve_forever()
    finally:
        if stop_scheduler:
            stop_scheduler()
        if worker is not None:
            worker.stop(timeout=30_000)
        if sandboxes is not None:
            sandboxes.stop()
        logger.info("stopped")


def daily_sync_jobs(actors, runtime) -> dict:
    """The daily stock sync: due at each channel's local time, once a day."""
    from domain.stock_sync import daily_sync_due

    def last_sync_started(channel_id: str):
        with runtime.uow_factory() as uow:
            runs = [r for r in uow.stock_runs.list(channel_id, limit=50) if not r.dry_run]
        return runs[0].started_at if runs else None

    return {
        "send_sync": lambda c: actors.sync_stock.send(c, False),
        "sync_due": daily_sync_due,
        "last_sync_started": last_sync_started,
    }
