"""Per-channel adapters built from the channel's stored credentials, cached per process."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import structlog

from adapters.call_bodies import SecretMask, captured
from adapters.mailers.paytraq import PayTraqMailer
from adapters.mozello.api import MozelloClient
from adapters.mozello.notifications import EVENTS
from adapters.mozello.transport import BURST
from adapters.outside_calls import OutsideCall
from adapters.paytraq.api import PayTraqClient
from adapters.paytraq.connect import PayTraqConnectClient
from adapters.ratelimit import RedisTokenBucket
from adapters.storage.audit_writer import AuditWriter
from application.channel_setup import Connector
from application.errors import PermanentError
from application.ports import (
    AccountingPort,
    AuditEntry,
    ChannelCredentials,
    ConnectPort,
    Gateways,
    MailerPort,
    ShopPort,
    UnitOfWork,
    WriteDialect,
)
from domain.settings import Channel, EmailVia

log = structlog.get_logger(__name__)


class ChannelGateways(Gateways):
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        paytraq_url: str | None = None,
        mozello_url: str | None = None,
        redis=None,
        smtp_mailer_factory: Callable[[str, ChannelCredentials, AccountingPort], MailerPort]
        | None = None,
        paytraq_options: dict | None = None,
        mozello_options: dict | None = None,
        audit: bool = True,
    ):
        self.audit = audit
        self._audit_writer: AuditWriter | None = None
        self.uow_factory = uow_factory
        self.paytraq_options = paytraq_options or {}
        self.mozello_options = mozello_options or {}
        self.paytraq_url, self.mozello_url, self.redis = paytraq_url, mozello_url, redis
        self.smtp_mailer_factory = smtp_mailer_factory
        self._lock = threading.RLock()
        self._accounting: dict[tuple, AccountingPort] = {}
        self._shops: dict[tuple, ShopPort] = {}
        self._connects: dict[tuple, ConnectPort] = {}

    def _credentials(self, channel_id: str) -> ChannelCredentials:
        with self.uow_factory() as uow:
            return uow.channels.credentials(channel_id)

    def accounting(self, channel_id: str,
                   credentials: ChannelCredentials | None = None) -> AccountingPort:
        """The channel's PayTraq client, one per process and credentials (rebuilt when they
        change): its rate limits, caches and learned write shapes live on."""
        creds = credentials or self._credentials(channel_id)
        key = (channel_id, creds.paytraq_api_key, creds.paytraq_api_token)
        with self._lock:
            if key not in self._accounting:
                self._accounting[key] = PayTraqClient(
                    creds.paytraq_api_key, creds.paytraq_api_token, self.paytraq_url,
                    redis=self.redis, observer=self._audit(channel_id, creds),
                    dialect=self.write_dialect(channel_id),
                    on_learned=lambda learned: self._remember(channel_id, learned),
                    **self.paytraq_options,
                )
            return self._accounting[key]

    def connect(self, channel_id: str) -> ConnectPort:
        """The channel's PayTraq Connect client, one per process and credentials: its session
        keeps the connection to PayTraq (and its TLS session) open from one order to the next."""
        creds = self._credentials(channel_id)
        if not creds.paytraq_connect_url:
            raise PermanentError("the channel has no PayTraq Connect URL: set "
                                 "--paytraq-connect-url, or use --paytraq-transport rest")
        key = (channel_id, creds)
        with self._lock:
            if key not in self._connects:
                options = {k: v for k, v in self.paytraq_options.items()
                           if k in ("timeouts", "retry")}
                self._connects[key] = PayTraqConnectClient(
                    creds.paytraq_connect_url, observer=self._audit(channel_id, creds), **options)
            return self._connects[key]

    def paytraq_rest(self, channel_id: str) -> AccountingPort | None:
        if not self._credentials(channel_id).has_paytraq_rest:
            return None
        return self.accounting(channel_id)

    def write_dialect(self, channel_id: str) -> WriteDialect:
        """The PayTraq write shapes that worked for this channel (DECISIONS R1, R2)."""
        with self.uow_factory() as uow:
            return uow.write_dialects.get(channel_id)

    def _remember(self, channel_id: str, learned: WriteDialect) -> None:
        """Kept in its own transaction; failing to remember never fails the write itself."""
        try:
            with self.uow_factory() as uow:
                uow.write_dialects.remember(channel_id, learned, datetime.now(UTC))
                uow.commit()
        except Exception as error:  # noqa: BLE001 - next time the shape is simply learned again
            log.warning("paytraq.shape_not_remembered", channel=channel_id, error=str(error))

    def shop(self, channel_id: str) -> ShopPort:
        creds = self._credentials(channel_id)
        key = (channel_id, creds.mozello_api_key)
        with self._lock:
            if key not in self._shops:
                options = dict(self.mozello_options)
                if self.redis is not None and "limiters" not in options:
                    # every process shares one budget per shop: under 5/s (a burst in reserve,
                    # as in-process) and 4.9/s + burst stays under 300/min
                    name = hashlib.sha256(creds.mozello_api_key.encode()).hexdigest()[:24]
                    options["limiters"] = [
                        RedisTokenBucket(self.redis, f"mozello:bucket:{name}", 4.9, BURST)
                    ]
                self._shops[key] = MozelloClient(
                    creds.mozello_api_key, self.mozello_url,
                    observer=self._audit(channel_id, creds),
                    **options,
                )
            return self._shops[key]

    def _audit(self, channel_id: str,
               credentials: ChannelCredentials) -> Callable[[OutsideCall], None] | None:
        """Record every outside call in the audit log — written by a background writer, apart
        from the business transaction (its rollback must not erase what was sent) and without
        making the call wait for the database. A call made for an order keeps its bodies too
        (capped, the channel's secrets masked here, before anything is queued)."""
        if not self.audit:
            return None
        with self._lock:
            if self._audit_writer is None:
                self._audit_writer = AuditWriter(self.uow_factory)
        writer, mask = self._audit_writer, SecretMask.of(credentials)

        def record(call: OutsideCall) -> None:
            # the worker binds the order it is handling (handlers/process_order.py)
            order_id = structlog.contextvars.get_contextvars().get("order_id")
            bodies = captured(call.wire, mask) if order_id and call.wire is not None else None
            writer.record(AuditEntry(datetime.now(UTC), channel_id, call.api, call.method,
                                     call.path, call.status, call.duration_ms, call.error,
                                     str(order_id) if order_id else None, bodies))

        return record

    def flush_audit(self) -> None:
        if self._audit_writer is not None:
            while self._audit_writer.flush():
                pass

    def mailer(self, channel_id: str, credentials: ChannelCredentials | None = None,
               channel: Channel | None = None) -> MailerPort:
        if channel is None:
            with self.uow_factory() as uow:
                channel = uow.channels.get(channel_id)
        accounting = self.accounting(channel_id, credentials)
        if channel is not None and channel.settings.email_via == EmailVia.SMTP:
            if self.smtp_mailer_factory is None:
                raise LookupError("SMTP e-mail is not available in this process")
            return self.smtp_mailer_factory(channel_id, credentials or self._credentials(channel_id),
                                            accounting)
        return PayTraqMailer(accounting)


class CredentialConnector(Connector):
    """Clients for credentials not stored yet (a channel being created), at the configured URLs
    and the configured PayTraq pace."""

    webhook_events = EVENTS

    def __init__(self, paytraq_url: str | None, mozello_url: str | None,
                 paytraq_options: dict | None = None):
        self.paytraq_url, self.mozello_url = paytraq_url, mozello_url
        self.paytraq_options = paytraq_options or {}

    def shop(self, credentials: ChannelCredentials) -> ShopPort:
        return MozelloClient(credentials.mozello_api_key, self.mozello_url)

    def accounting(self, credentials: ChannelCredentials) -> AccountingPort:
        return PayTraqClient(credentials.paytraq_api_key, credentials.paytraq_api_token,
                             self.paytraq_url, **self.paytraq_options)


def connector_for(config) -> CredentialConnector:
    return CredentialConnector(config.paytraq_api_url, config.mozello_api_url,
                               {"rate": config.paytraq_rate, "burst": config.paytraq_burst})
