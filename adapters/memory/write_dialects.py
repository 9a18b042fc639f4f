"""In-memory store of the PayTraq write shapes that worked, the write test's verdict, the tax
keys and what `clients?query=` and `sales?query=` were shown to match, per channel."""

from __future__ import annotations

from datetime import datetime

from adapters.memory.store import MemoryStore
from application.ports import ClientQueryProof, WriteDialect, WriteDialectStore
from domain.paytraq_totals import TaxKey


class MemoryWriteDialects(WriteDialectStore):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: dict[str, WriteDialect] = {}
        self.new_kept: dict[str, datetime | None] = {}
        self.new_keys: dict[str, tuple[list[TaxKey], datetime] | None] = {}
        self.new_queries: dict[str, ClientQueryProof] = {}
        self.new_sales_query: dict[str, datetime | None] = {}

    def get(self, channel_id: str) -> WriteDialect:
        return self.new.get(channel_id) or self.store.write_dialects.get(channel_id, WriteDialect())

    def remember(self, channel_id: str, dialect: WriteDialect, at: datetime) -> None:
        self.new[channel_id] = self.get(channel_id).merged(dialect)

    def writes_kept_since(self, channel_id: str) -> datetime | None:
        if channel_id in self.new_kept:
            return self.new_kept[channel_id]
        return self.store.writes_kept.get(channel_id)

    def record_write_test(self, channel_id: str, kept: bool, at: datetime) -> None:
        self.new_kept[channel_id] = at if kept else None

    def sales_query_shown_since(self, channel_id: str) -> datetime | None:
        if channel_id in self.new_sales_query:
            return self.new_sales_query[channel_id]
        return self.store.sales_query.get(channel_id)

    def record_sales_query(self, channel_id: str, finds_ref: bool, at: datetime) -> None:
        self.new_sales_query[channel_id] = at if finds_ref else None

    def tax_keys(self, channel_id: str, not_before: datetime) -> list[TaxKey] | None:
        found = (self.new_keys[channel_id] if channel_id in self.new_keys
                 else self.store.tax_keys.get(channel_id))
        if found is None or found[1] < not_before:
            return None
        return list(found[0])

    def remember_tax_keys(self, channel_id: str, keys: list[TaxKey] | None,
                          at: datetime) -> None:
        self.new_keys[channel_id] = None if keys is None else (list(keys), at)

    def client_query(self, channel_id: str) -> ClientQueryProof:
        if channel_id in self.new_queries:
            return self.new_queries[channel_id]
        return self.store.client_queries.get(channel_id, ClientQueryProof())

    def record_client_query(self, channel_id: str, proof: ClientQueryProof) -> None:
        self.new_queries[channel_id] = proof

    def apply(self) -> None:
        self.store.write_dialects.update(self.new)
        self.store.writes_kept.update(self.new_kept)
        self.store.client_queries.update(self.new_queries)
        self.store.sales_query.update(self.new_sales_query)
        for channel_id, keys in self.new_keys.items():
            if keys is None:
                self.store.tax_keys.pop(channel_id, None)
            else:
                self.store.tax_keys[channel_id] = keys
        self.discard()

    def discard(self) -> None:
        self.new, self.new_kept, self.new_keys, self.new_queries = {}, {}, {}, {}
        self.new_sales_query = {}
