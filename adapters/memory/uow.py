"""The in-memory unit of work. Objects are copied in and out, so forgetting `commit()` loses
changes exactly as it would with a database."""

from __future__ import annotations

from adapters.memory.cache_repositories import (
    MemoryAuditLog,
    MemoryCatalogue,
    MemorySalesCache,
    MemorySkuCache,
)
from adapters.memory.channel_repositories import (
    MemoryChannels,
    MemoryClientCache,
    MemoryDeliveries,
    MemoryWatermarks,
)
from adapters.memory.inbox_repository import MemoryInbox
from adapters.memory.stock_runs import MemoryStockRuns
from adapters.memory.store import MemoryStore
from adapters.memory.user_repositories import MemoryActionLog, MemoryLoginFailures, MemoryUsers
from adapters.memory.write_dialects import MemoryWriteDialects
from application.ports import UnitOfWork


class InMemoryUnitOfWork(UnitOfWork):
    inbox: MemoryInbox

    def __init__(self, store: MemoryStore | None = None):
        self.store = store or MemoryStore()
        self.committed = 0
        self._fresh()

    def _fresh(self) -> None:
        self.inbox = MemoryInbox(self.store)
        self.channels = MemoryChannels(self.store)
        self.deliveries = MemoryDeliveries(self.store)
        self.clients = MemoryClientCache(self.store)
        self.watermarks = MemoryWatermarks(self.store)
        self.sku_cache = MemorySkuCache(self.store)
        self.audit = MemoryAuditLog(self.store)
        self.stock_runs = MemoryStockRuns(self.store)
        self.sales_cache = MemorySalesCache(self.store)
        self.catalogue = MemoryCatalogue(self.store)
        self.write_dialects = MemoryWriteDialects(self.store)
        self.users = MemoryUsers(self.store)
        self.login_failures = MemoryLoginFailures(self.store)
        self.actions = MemoryActionLog(self.store)

    def _repositories(self) -> tuple:
        return (self.inbox, self.channels, self.deliveries, self.clients, self.watermarks,
                self.sku_cache, self.audit, self.stock_runs, self.sales_cache, self.catalogue,
                self.write_dialects, self.users, self.login_failures, self.actions)

    def __enter__(self) -> InMemoryUnitOfWork:
        self._fresh()
        return self

    def commit(self) -> None:
        with self.store.lock:
            for repository in self._repositories():
                repository.apply()
        self.committed += 1

    def rollback(self) -> None:
        for repository in self._repositories():
            repository.discard()
