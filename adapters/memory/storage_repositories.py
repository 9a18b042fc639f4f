"""In-memory versions of the storage extras (application/storage_ports.py), and a unit of work
that adds them, and the inbox's version check, to InMemoryUnitOfWork.

Like the database: writes wait for commit(); a lost update raises ConcurrentUpdate; a second item
for the same order raises DuplicateInboxItem."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from adapters.memory.inbox_listing import counts_of, page_of
from adapters.memory.repositories import InMemoryUnitOfWork, MemoryStore
from adapters.memory.user_repositories import (
    MemoryActionLog,
    MemoryLoginFailures,
    MemoryUsers,
    UserStore,
)
from application.inbox_listing import Cursor, InboxPage, InboxQuery
from application.ports import InboxRepository, SaleLines
from application.storage_ports import (
    AuditEntry,
    AuditLog,
    CatalogueMirror,
    ConcurrentUpdate,
    DuplicateInboxItem,
    MirroredProduct,
    SalesCache,
    SkuCache,
    StockRunRepository,
    StockSyncResult,
    StockSyncRun,
    StockSyncStatus,
    StorageUnitOfWork,
)
from domain.inbox import InboxItem, InboxStatus

Key = tuple[str, str]


class ExtendedMemoryStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.skus: dict[Key, tuple[str, datetime]] = {}
        self.audit: list[AuditEntry] = []
        self.runs: dict[str, StockSyncRun] = {}
        self.results: dict[str, list[StockSyncResult]] = {}
        self.sales: dict[Key, SaleLines] = {}
        self.catalogue: dict[Key, MirroredProduct] = {}
        self.people = UserStore()


class _VersionedInbox(InboxRepository):
    """The in-memory inbox, remembering what each item looked like when it was read."""

    def __init__(self, store: MemoryStore):
        self.store = store
        self.seen: dict[Key, InboxItem] = {}
        self.loaded: dict[Key, InboxItem] = {}

    def get(self, channel_id: str, order_id: str, for_update: bool = False) -> InboxItem | None:
        key = (channel_id, order_id)
        if key not in self.seen:
            with self.store.lock:
                item = self.store.items.get(key)
            if item is None:
                return None
            self.seen[key], self.loaded[key] = copy.deepcopy(item), copy.deepcopy(item)
        return self.seen[key]

    def add(self, item: InboxItem) -> None:
        self.seen[(item.channel_id, item.order_id)] = item

    def list(self, channel_id: str | None = None, status: InboxStatus | None = None) -> list[InboxItem]:
        with self.store.lock:
            items = [copy.deepcopy(i) for i in self.store.items.values()]
        wanted = [
            i
            for i in items
            if (channel_id is None or i.channel_id == channel_id) and (status is None or i.status is status)
        ]
        return sorted(wanted, key=lambda i: i.received_at)

    def page(self, query: InboxQuery, limit: int = 50, after: Cursor | None = None) -> InboxPage:
        with self.store.lock:
            page = page_of(self.store.items.values(), query, limit, after)
            return InboxPage(copy.deepcopy(page.items), page.next_cursor)

    def count_by_status(self, query: InboxQuery) -> dict[InboxStatus, int]:
        with self.store.lock:
            return counts_of(self.store.items.values(), query)

    def changed(self) -> dict[Key, InboxItem]:
        """New or changed items; raises when saving one would lose someone else's update."""
        changed = {}
        for key, item in self.seen.items():
            if key in self.loaded and item == self.loaded[key]:
                continue
            stored = self.store.items.get(key)
            if stored is not None and item.version == 0 and key not in self.loaded:
                raise DuplicateInboxItem(*key)
            if (stored.version if stored else 0) != item.version:
                raise ConcurrentUpdate(*key)
            changed[key] = item
        return changed


class _SkuCache(SkuCache):
    def __init__(self, store: ExtendedMemoryStore):
        self.store = store
        self.new: dict[Key, tuple[str, datetime] | None] = {}  # None: forgotten

    def get(self, channel_id: str, sku: str, not_before: datetime | None = None) -> str | None:
        key = (channel_id, sku)
        entry = self.new[key] if key in self.new else self.store.skus.get(key)
        if entry is None or (not_before is not None and entry[1] < not_before):
            return None
        return entry[0]

    def put(self, channel_id: str, sku: str, item_id: str, at: datetime) -> None:
        self.new[(channel_id, sku)] = (item_id, at)

    def forget(self, channel_id: str, sku: str) -> None:
        self.new[(channel_id, sku)] = None

    def apply(self) -> None:
        for key, entry in self.new.items():
            if entry is None:
                self.store.skus.pop(key, None)
            else:
                self.store.skus[key] = entry


class _AuditLog(AuditLog):
    def __init__(self, store: ExtendedMemoryStore):
        self.store = store
        self.new: list[AuditEntry] = []

    def record(self, entry: AuditEntry) -> None:
        self.new.append(entry)

    def recent(self, channel_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        with self.store.lock:
            entries = [*self.store.audit, *self.new]
        wanted = [e for e in entries if channel_id is None or e.channel_id == channel_id]
        return sorted(wanted, key=lambda e: e.at, reverse=True)[:limit]

    def apply(self) -> None:
        self.store.audit.extend(self.new)


class _StockRuns(StockRunRepository):
    def __init__(self, store: ExtendedMemoryStore):
        self.store = store
        self.new: dict[str, StockSyncRun] = {}
        self.new_results: dict[str, list[StockSyncResult]] = {}

    def start(self, channel_id: str, started_at: datetime, dry_run: bool) -> StockSyncRun:
        run = StockSyncRun(uuid.uuid4().hex, channel_id, started_at, dry_run)
        self.new[run.id] = run
        return run

    def add_results(self, run_id: str, results: Iterable[StockSyncResult]) -> None:
        self.new_results.setdefault(run_id, []).extend(results)

    def finish(
        self,
        run_id: str,
        finished_at: datetime,
        status: StockSyncStatus,
        summary: dict[str, int],
        error: str | None = None,
    ) -> StockSyncRun:
        run = self.get(run_id)
        if run is None:
            raise KeyError(f"no stock sync run {run_id!r}")
        finished = replace(
            run, finished_at=finished_at, status=StockSyncStatus(status), summary=dict(summary), error=error
        )
        self.new[run_id] = finished
        return finished

    def get(self, run_id: str) -> StockSyncRun | None:
        return self.new.get(run_id) or self.store.runs.get(run_id)

    def results(self, run_id: str) -> list[StockSyncResult]:
        return [*self.store.results.get(run_id, []), *self.new_results.get(run_id, [])]

    def list(self, channel_id: str, limit: int = 20) -> list[StockSyncRun]:
        runs = {**self.store.runs, **self.new}.values()
        wanted = [r for r in runs if r.channel_id == channel_id]
        return sorted(wanted, key=lambda r: (r.started_at, r.id), reverse=True)[:limit]

    def apply(self) -> None:
        self.store.runs.update(self.new)
        for run_id, results in self.new_results.items():
            self.store.results.setdefault(run_id, []).extend(results)


class _SalesCache(SalesCache):
    def __init__(self, store: ExtendedMemoryStore):
        self.store = store
        self.new: dict[Key, SaleLines | None] = {}  # None: forgotten

    def get(self, channel_id: str, document_id: str) -> SaleLines | None:
        key = (channel_id, document_id)
        return self.new[key] if key in self.new else self.store.sales.get(key)

    def put(self, channel_id: str, sale: SaleLines) -> None:
        self.new[(channel_id, sale.id)] = sale

    def all(self, channel_id: str) -> dict[str, SaleLines]:
        merged = {**self.store.sales, **self.new}
        return {doc: sale for (ch, doc), sale in merged.items() if ch == channel_id and sale is not None}

    def retain(self, channel_id: str, document_ids: Iterable[str]) -> None:
        keep = set(document_ids)
        for document_id in self.all(channel_id):
            if document_id not in keep:
                self.new[(channel_id, document_id)] = None

    def apply(self) -> None:
        for key, sale in self.new.items():
            if sale is None:
                self.store.sales.pop(key, None)
            else:
                self.store.sales[key] = sale


class _Catalogue(CatalogueMirror):
    def __init__(self, store: ExtendedMemoryStore):
        self.store = store
        self.new: dict[Key, MirroredProduct | None] = {}  # None: removed

    def get(self, channel_id: str, handle: str) -> MirroredProduct | None:
        key = (channel_id, handle)
        return self.new[key] if key in self.new else self.store.catalogue.get(key)

    def put(self, channel_id: str, product: MirroredProduct) -> None:
        self.new[(channel_id, product.handle)] = product

    def remove(self, channel_id: str, handle: str) -> None:
        self.new[(channel_id, handle)] = None

    def list(self, channel_id: str) -> list[MirroredProduct]:
        merged = {**self.store.catalogue, **self.new}
        return sorted((p for (ch, _), p in merged.items() if ch == channel_id and p is not None),
                      key=lambda p: p.handle)

    def apply(self) -> None:
        for key, product in self.new.items():
            if product is None:
                self.store.catalogue.pop(key, None)
            else:
                self.store.catalogue[key] = product


class InMemoryStorageUnitOfWork(InMemoryUnitOfWork, StorageUnitOfWork):
    """InMemoryUnitOfWork with the storage extras and the inbox's optimistic version check."""

    store: ExtendedMemoryStore
    inbox: _VersionedInbox

    def __init__(self, store: ExtendedMemoryStore | None = None):
        super().__init__(store or ExtendedMemoryStore())

    def _fresh(self) -> None:
        super()._fresh()
        self.inbox = _VersionedInbox(self.store)
        self._fresh_extras()

    def __enter__(self) -> InMemoryStorageUnitOfWork:
        self._fresh()
        return self

    def commit(self) -> None:
        inbox = self.inbox
        with self.store.lock:
            changed = inbox.changed()
            everything, inbox.seen = inbox.seen, changed  # the parent saves (and versions) these
            try:
                super().commit()
            finally:
                inbox.seen = everything
            for key, item in changed.items():
                inbox.loaded[key] = copy.deepcopy(item)
            for extra in self._extras():
                extra.apply()
        self._fresh_extras()

    def rollback(self) -> None:
        super().rollback()
        self.inbox.loaded = {}
        self._fresh_extras()

    def _extras(self) -> tuple:
        return (self.sku_cache, self.audit, self.stock_runs, self.sales_cache, self.catalogue,
                self.users, self.login_failures, self.actions)

    def _fresh_extras(self) -> None:
        self.sku_cache = _SkuCache(self.store)
        self.audit = _AuditLog(self.store)
        self.stock_runs = _StockRuns(self.store)
        self.sales_cache = _SalesCache(self.store)
        self.catalogue = _Catalogue(self.store)
        self.users = MemoryUsers(self.store.people)
        self.login_failures = MemoryLoginFailures(self.store.people)
        self.actions = MemoryActionLog(self.store.people)
