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
    from entrypoints.bootstrap import start_process
    from entrypoints.config import load_config
    from entrypoints.runtime import open_storage
    from entrypoints.web.app import create_app

    config = load_config()
    # its SQLite commits need no sync of their own: a webhook's body is made durable by the
    # worker's commit of its order, before any PayTraq write (make_engine, `durable`)
    process = start_process(config, open_storage(config, durable=False))
    return create_app(process.runtime, process.relay())


def run_web(config: Config, host: str, port: int, workers: int) -> None:
    _require_redis(config, "web")
    config.check_exposure(host)
    from entrypoints.runtime import open_storage

    open_storage(config)  # migrate once, before the workers fork
    os.execvp(
        sys.executable,
        [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
         "--graceful-timeout", "30",
         # X-Forwarded-* are believed in one place only: SALES_INBOX_TRUSTED_PROXIES (the app's
         # ProxyFix), not gunicorn's own default of trusting 127.0.0.1
         "--forwarded-allow-ips", "",
         "entrypoints.distributed:wsgi_app()"],
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
    from entrypoints.bootstrap import start_process
    from entrypoints.worker.scheduler import scheduled_jobs, start_scheduler

    process = start_process(config)
    stop = start_scheduler(process.runtime, scheduled_jobs(process.runtime, process.actors),
                           config.poll_minutes)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    stop()
    logger.info("scheduler_stopped")
