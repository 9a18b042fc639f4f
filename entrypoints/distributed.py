"""The distributed mode: gunicorn web, Dramatiq worker processes, one scheduler."""

from __future__ import annotations

import os
import signal
import sys
import threading

import structlog

from entrypoints.config import Config, ConfigError

logger = structlog.get_logger()


def _require_redis(config: Config, what: str) -> None:
    if not config.redis_url:
        raise ConfigError(
            f"`sales-inbox {what}` is for the distributed mode and needs SALES_INBOX_REDIS_URL; "
            "without Redis, `sales-inbox serve` runs everything in one process"
        )


def wsgi_app():
    """The WSGI app for gunicorn workers (entrypoints.distributed:wsgi_app())."""
    from entrypoints.config import load_config
    from entrypoints.logs import configure_logging
    from entrypoints.runtime import build_runtime, set_runtime
    from entrypoints.web.app import create_app
    from entrypoints.worker.broker import setup_broker

    configure_logging()
    config = load_config()
    runtime = build_runtime(config)
    setup_broker(config.redis_url)
    from entrypoints.worker import actors

    runtime.dispatch = actors.dispatch
    set_runtime(runtime)
    return create_app(runtime, lambda c, d: actors.receive_delivery.send(c, d))


def run_web(config: Config, host: str, port: int, workers: int) -> None:
    _require_redis(config, "web")
    config.check_exposure(host)
    from entrypoints.runtime import open_storage

    open_storage(config)  # migrate once, before the workers fork
    os.execvp(
        sys.executable,
        [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
         "--graceful-timeout", "30", "entrypoints.distributed:wsgi_app()"],
    )


def run_worker(config: Config, processes: int, threads: int) -> None:
    _require_redis(config, "worker")
    from entrypoints.runtime import open_storage

    open_storage(config)
    os.execvp(
        sys.executable,
        [sys.executable, "-m", "dramatiq", "entrypoints.worker.boot", "--processes",
         str(processes), "--threads", str(threads)],
    )


def run_scheduler(config: Config) -> None:
    _require_redis(config, "scheduler")
    from entrypoints.runtime import build_runtime, set_runtime
    from entrypoints.serve import daily_sync_jobs
    from entrypoints.worker.broker import setup_broker
    from entrypoints.worker.scheduler import Jobs, start_scheduler

    runtime = build_runtime(config)
    setup_broker(config.redis_url)
    from entrypoints.worker import actors

    runtime.dispatch = actors.dispatch
    set_runtime(runtime)
    jobs = Jobs(runtime, send_process=lambda c, o: actors.process_order.send(c, o),
                send_poll=lambda c: actors.poll_orders.send(c),
                send_delivery=lambda c, d: actors.receive_delivery.send(c, d),
                **daily_sync_jobs(actors, runtime))
    stop = start_scheduler(runtime, jobs, config.poll_minutes)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    stop()
    logger.info("scheduler_stopped")
