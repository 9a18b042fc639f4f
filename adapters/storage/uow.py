"""The unit of work over SQLAlchemy: one connection and transaction per `with uow:`."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.storage.audit_repository import SqlAuditLog
from adapters.storage.cache_repositories import SqlClientCache, SqlSkuCache, SqlWatermarks
from adapters.storage.catalogue_repository import SqlCatalogueMirror
from adapters.storage.channel_repository import SqlChannelRepository
from adapters.storage.crypto import SecretBox
from adapters.storage.delivery_repository import SqlDeliveryRepository
from adapters.storage.engine import LOCK_TIMEOUT
from adapters.storage.inbox_repository import SqlInboxRepository
from adapters.storage.stock_repositories import SqlSalesCache, SqlStockRuns
from adapters.storage.transaction import Transaction
from adapters.storage.user_repositories import SqlActionLog, SqlLoginFailures, SqlUsers
from adapters.storage.webhook_keys import WebhookKeyCache, cache_for
from adapters.storage.write_dialect_repository import SqlWriteDialects
from application.ports import UnitOfWork


class SqlAlchemyUnitOfWork(UnitOfWork):
    """`SqlAlchemyUnitOfWork(make_engine(), load_secret_box(key_file, {"SALES_INBOX_SECRET_KEY": key}))`; one per message or request.

    Inbox items read through `uow.inbox` are written on `commit()`, with a version check
    (ConcurrentUpdate when someone else saved the item first); everything else is written at
    once, in the same transaction. Leaving `with` without `commit()` rolls it all back.
    A channel and its credentials are read once per unit of work (one message or request),
    across its `with` blocks, and again after it changes them."""

    inbox: SqlInboxRepository

    def __init__(self, engine: sa.Engine, secrets: SecretBox, *, lock_timeout: float = LOCK_TIMEOUT,
                 webhook_keys: WebhookKeyCache | None = None):
        self.engine, self._secrets, self.lock_timeout = engine, secrets, lock_timeout
        self._transaction: Transaction | None = None
        self._channels_seen: dict = {}
        self._items_committed: dict = {}  # across its `with` blocks: as_committed_here
        # shared by the process's units of work over the engine (a test may pass its own)
        self._webhook_keys = webhook_keys or cache_for(engine)
        self._fresh()
        self._first_entry = True

    def _fresh(self) -> None:
        if self._transaction is not None:
            self._transaction.close()
        tx = self._transaction = Transaction(self.engine, self.lock_timeout)
        self.inbox = SqlInboxRepository(tx, self._items_committed)
        self.channels = SqlChannelRepository(tx, self._secrets, self._channels_seen,
                                             self._webhook_keys)
        self.deliveries = SqlDeliveryRepository(tx)
        self.clients = SqlClientCache(tx)
        self.watermarks = SqlWatermarks(tx)
        self.sku_cache = SqlSkuCache(tx)
        self.audit = SqlAuditLog(tx)
        self.stock_runs = SqlStockRuns(tx)
        self.sales_cache = SqlSalesCache(tx)
        self.catalogue = SqlCatalogueMirror(tx)
        self.write_dialects = SqlWriteDialects(tx)
        self.users = SqlUsers(tx)
        self.login_failures = SqlLoginFailures(tx)
        self.actions = SqlActionLog(tx)

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        if not self._just_made():
            self._fresh()
        self._first_entry = False
        return self

    def _just_made(self) -> bool:
        """Entered for the first time, nothing used since the repositories were made (a
        webhook's or a message's unit of work): they need not be made again. Every later
        `with` block starts with repositories of its own, as it always did."""
        return (self._first_entry and self._transaction.untouched() and not self.inbox.seen
                and not self.channels.wrote and not self.write_dialects.wrote)

    def __exit__(self, *args: object) -> None:
        try:
            self.rollback()
        finally:
            self._transaction.close()

    def commit(self) -> None:
        self.inbox.flush()
        self._transaction.commit()
        self.inbox.committed()
        self.channels.committed()

    def rollback(self) -> None:
        self._transaction.rollback()
        self.inbox.forget()
        if self.channels.wrote:  # what was read after the change may never have been kept
            self._channels_seen.clear()

    def __repr__(self) -> str:
        return f"SqlAlchemyUnitOfWork({self.engine.url.render_as_string(hide_password=True)})"
