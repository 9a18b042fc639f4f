"""In-memory store of the PayTraq write shapes that worked, per channel."""

from __future__ import annotations

from datetime import datetime

from adapters.memory.store import MemoryStore
from application.ports import WriteDialect, WriteDialectStore


class MemoryWriteDialects(WriteDialectStore):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: dict[str, WriteDialect] = {}

    def get(self, channel_id: str) -> WriteDialect:
        return self.new.get(channel_id) or self.store.write_dialects.get(channel_id, WriteDialect())

    def remember(self, channel_id: str, dialect: WriteDialect, at: datetime) -> None:
        self.new[channel_id] = self.get(channel_id).merged(dialect)

    def apply(self) -> None:
        self.store.write_dialects.update(self.new)
        self.discard()

    def discard(self) -> None:
        self.new = {}
