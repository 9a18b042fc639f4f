"""In-memory SKU cache, audit log, sales-order cache and catalogue mirror."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from adapters.memory.store import Key, MemoryStore
from application.ports import (
    AuditEntry,
    AuditLog,
    CatalogueMirror,
    MirroredProduct,
    SaleLines,
    SalesCache,
    SkuCache,
)


class MemorySkuCache(SkuCache):
    def __init__(self, store: MemoryStore):
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

    def put_many(self, channel_id: str, item_ids: Iterable[tuple[str, str]],
                 at: datetime) -> None:
        for sku, item_id in item_ids:
            if sku and item_id:
                self.put(channel_id, sku, item_id, at)

    def forget(self, channel_id: str, sku: str) -> None:
        self.new[(channel_id, sku)] = None

    def apply(self) -> None:
        for key, entry in self.new.items():
            if entry is None:
                self.store.skus.pop(key, None)
            else:
                self.store.skus[key] = entry
        self.discard()

    def discard(self) -> None:
        self.new = {}


class MemoryAuditLog(AuditLog):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: list[AuditEntry] = []
        self.pruned: list[AuditEntry] = []
        self.bodies_pruned: list[AuditEntry] = []

    def record(self, entry: AuditEntry) -> None:
        self.new.append(entry)

    def recent(self, channel_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        with self.store.lock:
            entries = [*self.store.audit, *self.new]
        wanted = [e for e in entries if channel_id is None or e.channel_id == channel_id]
        return sorted(wanted, key=lambda e: e.at, reverse=True)[:limit]

    def count_since(self, api: str, since: datetime) -> dict[str | None, int]:
        with self.store.lock:
            entries = [*self.store.audit, *self.new]
        return dict(Counter(e.channel_id for e in entries if e.api == api and e.at >= since))

    def prune(self, before: datetime, limit: int) -> int:
        with self.store.lock:
            self.pruned = [e for e in self.store.audit if e.at < before][:limit]
        return len(self.pruned)

    def prune_bodies(self, before: datetime, limit: int) -> int:
        with self.store.lock:
            self.bodies_pruned = [e for e in self.store.audit
                                  if e.bodies is not None and e.at < before][:limit]
        return len(self.bodies_pruned)

    def for_order(self, channel_id: str, order_id: str, limit: int = 500) -> list[AuditEntry]:
        with self.store.lock:
            entries = [*self.store.audit, *self.new]
        wanted = [e for e in entries if (e.channel_id, e.order_id) == (channel_id, order_id)]
        return sorted(wanted, key=lambda e: e.at)[:limit]

    def apply(self) -> None:
        gone, bare = {id(e) for e in self.pruned}, {id(e) for e in self.bodies_pruned}
        self.store.audit[:] = [dataclasses.replace(e, bodies=None) if id(e) in bare else e
                               for e in self.store.audit if id(e) not in gone]
        self.store.audit.extend(self.new)
        self.discard()

    def discard(self) -> None:
        self.new, self.pruned, self.bodies_pruned = [], [], []


class MemorySalesCache(SalesCache):
    def __init__(self, store: MemoryStore):
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
        self.discard()

    def discard(self) -> None:
        self.new = {}


class MemoryCatalogue(CatalogueMirror):
    def __init__(self, store: MemoryStore):
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
            stored = self.store.catalogue.get(key)
            if product is None:
                self.store.catalogue.pop(key, None)
            elif stored is None or not product.modified_at or (
                product.modified_at >= stored.modified_at
            ):  # as the SQL upsert: a newer body is never replaced by an older one
                self.store.catalogue[key] = product
        self.discard()

    def discard(self) -> None:
        self.new = {}
