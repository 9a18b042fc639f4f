"""The in-memory inbox. Like the database: a lost update raises ConcurrentUpdate; a second item
for the same order raises DuplicateInboxItem."""

from __future__ import annotations

import copy
from datetime import datetime

from adapters.memory.inbox_listing import awaiting_of, counts_by_channel_of, counts_of, page_of
from adapters.memory.store import Key, MemoryStore
from application.errors import ConcurrentUpdate, DuplicateInboxItem
from application.inbox_listing import Cursor, InboxPage, InboxQuery
from application.ports import InboxRepository
from domain.inbox import InboxItem, InboxStatus
from domain.owed_work import OwedWork


class MemoryInbox(InboxRepository):
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

    def count_by_channel_and_status(self) -> dict[tuple[str, InboxStatus], int]:
        with self.store.lock:
            return counts_by_channel_of(self.store.items.values())

    def awaiting_work(self, channel_id: str, owed: OwedWork, touched_before: datetime,
                      progress_since: datetime | None = None) -> list[InboxItem]:
        with self.store.lock:
            return copy.deepcopy(awaiting_of(self.store.items.values(), channel_id, owed,
                                             touched_before, progress_since))

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

    def apply(self) -> None:
        """Save the changed items (their versions move on); the caller holds the store's lock."""
        for key, item in self.changed().items():
            item.version += 1
            self.store.items[key] = copy.deepcopy(item)
            self.loaded[key] = copy.deepcopy(item)

    def discard(self) -> None:
        self.seen, self.loaded = {}, {}
