"""The composition root: one Runtime per process wires config, storage, adapters and the bus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import structlog

from adapters.clock import SystemClock
from application.bootstrap import bootstrap
from application.commands import Command
from application.messagebus import MessageBus
from application.ports import Clock, ExpiringLock, Gateways, UnitOfWork
from entrypoints.config import Config, load_config

logger = structlog.get_logger()


@dataclass
class Runtime:
    config: Config
    uow_factory: Callable[[], UnitOfWork]
    gateways: Gateways
    clock: Clock = field(default_factory=SystemClock)
    redis: object | None = None
    dispatch: Callable[[Command], bool] | None = None
    stock_lock: ExpiringLock | None = None
    order_lock: ExpiringLock | None = None

    def bus(self) -> MessageBus:
        """A fresh bus and unit of work for one message or request. With a dispatcher (the
        worker actors), follow-up commands become broker messages; without, they run in-line."""
        return bootstrap(self.uow_factory(), self.gateways, self.clock, send=self.dispatch,
                         stock_lock=self.stock_lock, order_lock=self.order_lock)


@dataclass
class Storage:
    engine: object
    uow_factory: Callable[[], UnitOfWork]
    secrets: object | None = None  # the SecretBox: only `sales-inbox keys` reaches past the uow


def open_storage(config: Config, durable: bool = True) -> Storage:
    """The database (migrated to the newest schema) and its unit-of-work factory; `durable`:
    see make_engine (only the web process passes False)."""
    from adapters.storage.crypto import load_secret_box
    from adapters.storage.engine import make_engine
    from adapters.storage.migrate import migrate
    from adapters.storage.uow import SqlAlchemyUnitOfWork

    config.var_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.database_url, durable=durable)
    migrate(engine)
    box = load_secret_box(
        None if config.secret_key else config.secret_key_file,
        {"SALES_INBOX_SECRET_KEY": config.secret_keys or ""},
    )

    def uow_factory() -> UnitOfWork:
        return SqlAlchemyUnitOfWork(engine, box)

    return Storage(engine, uow_factory, box)


def build_runtime(config: Config | None = None, storage: Storage | None = None,
                  dispatch: Callable[[Command], bool] | None = None) -> Runtime:
    """Storage, Redis when configured, and per-channel adapters. Processes start through
    entrypoints/bootstrap.py; the CLI uses this directly (no broker: follow-ups run in-line)."""
    from adapters.storage.sent_mail_log import SqlSentMailLog
    from entrypoints.gateways import ChannelGateways

    config = config or load_config()
    storage = storage or open_storage(config)
    redis_client = None
    if config.redis_url:
        from entrypoints.redis_connection import redis_client as connect

        redis_client = connect(config.redis_url)
    gateways = ChannelGateways(
        storage.uow_factory,
        paytraq_url=config.paytraq_api_url,
        mozello_url=config.mozello_api_url,
        redis=redis_client,
        smtp_mailer_factory=smtp_mailer_factory(SqlSentMailLog(storage.engine)),
        paytraq_options={"rate": config.paytraq_rate, "burst": config.paytraq_burst,
                         "daily_limit": config.paytraq_daily_limit},
    )
    from adapters.storage.locks import SqlLock

    lock = SqlLock(storage.engine)
    return Runtime(config, storage.uow_factory, gateways, redis=redis_client, dispatch=dispatch,
                   stock_lock=lock, order_lock=lock)


def smtp_mailer_factory(sent_log, clock: Clock | None = None):
    """SMTP e-mail for channels with email_via=smtp. `sent_log` is the deployment's shared
    record (the database's), so every process sends a document at most once."""
    from adapters.mailers.smtp import smtp_mailer

    clock = clock or SystemClock()
    return lambda channel_id, creds, accounting: smtp_mailer(creds, accounting, sent_log, clock)


_current: Runtime | None = None  # the process's one runtime: the actors and the CLI reach it


def set_runtime(runtime: Runtime | None) -> None:
    global _current
    _current = runtime


def get_runtime() -> Runtime:
    global _current
    if _current is None:
        _current = build_runtime()
    return _current
