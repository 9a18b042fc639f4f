"""The composition root: one Runtime per process wires config, storage, adapters and the bus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import structlog

from adapters.clock import SystemClock
from application.bootstrap import bootstrap
from application.commands import Command
from application.messagebus import MessageBus
from application.ports import Clock, Gateways, UnitOfWork
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

    def bus(self) -> MessageBus:
        """A fresh bus and unit of work for one message or request."""
        send = None
        if self.dispatch is not None:
            dispatch = self.dispatch

            def send(command: Command) -> bool:
                return dispatch(command)

        return bootstrap(self.uow_factory(), self.gateways, self.clock, send=send)


def build_runtime(config: Config | None = None) -> Runtime:
    """Storage (migrated), Redis when configured, and per-channel adapters."""
    from adapters.storage.crypto import load_secret_box
    from adapters.storage.engine import make_engine
    from adapters.storage.migrate import migrate
    from adapters.storage.uow import SqlAlchemyUnitOfWork
    from entrypoints.gateways import ChannelGateways

    config = config or load_config()
    config.var_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.database_url)
    migrate(engine)
    box = load_secret_box(None if config.secret_key else config.secret_key_file,
                          {"SALES_INBOX_SECRET_KEY": config.secret_key or ""})
    redis_client = None
    if config.redis_url:
        import redis

        redis_client = redis.Redis.from_url(config.redis_url)

    def uow_factory() -> UnitOfWork:
        return SqlAlchemyUnitOfWork(engine, box)

    gateways = ChannelGateways(
        uow_factory,
        paytraq_url=config.paytraq_api_url,
        mozello_url=config.mozello_api_url,
        redis=redis_client,
        smtp_mailer_factory=_smtp_factory(uow_factory),
    )
    return Runtime(config, uow_factory, gateways, redis=redis_client)


def _smtp_factory(uow_factory):
    try:
        from adapters.mailers.smtp import SmtpMailer, SmtpSettings  # noqa: F401
    except ImportError:  # pragma: no cover - until the SMTP adapter is installed
        return None
    return None


_current: Runtime | None = None


def set_runtime(runtime: Runtime | None) -> None:
    global _current
    _current = runtime


def get_runtime() -> Runtime:
    global _current
    if _current is None:
        _current = build_runtime()
    return _current
