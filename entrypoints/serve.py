"""`sales-inbox serve`: the web app, and in embedded mode the workers and the scheduler too."""

from __future__ import annotations

import signal
import threading
from dataclasses import replace

import dramatiq
import structlog
from werkzeug.serving import make_server

from adapters.clock import SystemClock
from entrypoints.bootstrap import Process, start_process
from entrypoints.config import Config
from entrypoints.console_users import announce_console_users
from entrypoints.demo.sandbox_mode import (
    Sandboxes,
    ensure_sandbox_channel,
    start_sandboxes,
    wants_sandboxes,
)
from entrypoints.runtime import open_storage
from entrypoints.web.app import create_app
from entrypoints.worker.scheduler import scheduled_jobs, start_scheduler

logger = structlog.get_logger()


def serve(config: Config) -> None:
    config.check_exposure(config.host)
    storage = open_storage(config)
    sandbox_mode = wants_sandboxes(config, storage.uow_factory())
    # the first line a person reads: how to log in to the console
    announce_console_users(storage.uow_factory, SystemClock(), sandbox_mode,
                           f"http://{config.host}:{config.port}")
    sandboxes = _start_sandboxes() if sandbox_mode else None
    if sandboxes is not None:
        config = replace(config, paytraq_api_url=sandboxes.paytraq.base_url,
                         mozello_api_url=sandboxes.mozello.base_url)
    process = start_process(config, storage)
    if sandboxes is not None:
        ensure_sandbox_channel(storage.uow_factory(), sandboxes, config.public_url)
    stop_workers = _start_embedded_workers(process, config) if config.embedded else None
    relay = process.relay()
    server = make_server(config.host, config.port, create_app(process.runtime, relay),
                         threaded=True)
    logger.info("serving", url=f"http://{config.host}:{server.server_port}",
                mode="embedded" if config.embedded else "distributed",
                database=config.database_url.split("://")[0])
    _stop_on_signals(server)
    try:
        server.serve_forever()
    finally:
        relay.flush()  # to the workers while they still run
        if stop_workers:
            stop_workers()
        if sandboxes is not None:
            sandboxes.stop()
        logger.info("stopped")


def _start_sandboxes() -> Sandboxes:
    """The built-in sandboxes, when no real PayTraq/Mozello is configured (`make run`)."""
    sandboxes = start_sandboxes()
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
    return sandboxes


def _start_embedded_workers(process: Process, config: Config):
    """Worker threads on the in-process broker and the scheduler; returns how to stop both."""
    worker = dramatiq.Worker(process.broker, worker_threads=config.worker_threads)
    worker.start()
    stop_scheduler = start_scheduler(process.runtime,
                                     scheduled_jobs(process.runtime, process.actors),
                                     config.poll_minutes)

    def stop() -> None:
        stop_scheduler()
        worker.stop(timeout=30_000)

    return stop


def _stop_on_signals(server) -> None:
    def shutdown(signum, frame):
        logger.info("shutting_down", signal=signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
