"""In-memory storage. Objects are copied in and out, so forgetting `commit()` loses changes
exactly as it would with a database."""

from __future__ import annotations

import copy
import threading
import uuid
from datetime import datetime

from adapters.memory.inbox_listing import counts_of, page_of
from application.inbox_listing import Cursor, InboxPage, InboxQuery
from application.ports import (
    ChannelCredentials,
    ChannelRepository,
    ClientCache,
    DeliveryRepository,
    InboxRepository,
    RawDelivery,
    UnitOfWork,
    WatermarkRepository,
)
from domain.inbox import InboxItem, InboxStatus
from domain.settings import Channel


class MemoryStore:
    """What a database would hold; shared by every unit of work made from it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.items: dict[tuple[str, str], InboxItem] = {}
        self.channels: dict[str, Channel] = {}
        self.credentials: dict[str, ChannelCredentials] = {}
        self.deliveries: list[RawDelivery] = []
        self.clients: dict[tuple[str, str], str] = {}
        self.watermarks: dict[tuple[str, str], datetime] = {}


class _Inbox(InboxRepository):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.seen: dict[tuple[str, str], InboxItem] = {}

    def get(self, channel_id: str, order_id: str, for_update: bool = False) -> InboxItem | None:
        key = (channel_id, order_id)
        if key in self.seen:
            return self.seen[key]
        with self.store.lock:
            item = self.store.items.get(key)
        if item is None:
            return None
        self.seen[key] = copy.deepcopy(item)
        return self.seen[key]

    def add(self, item: InboxItem) -> None:
        self.seen[(item.channel_id, item.order_id)] = item

    def list(self, channel_id: str | None = None, status: InboxStatus | None = None) -> list[InboxItem]:
        with self.store.lock:
            items = [copy.deepcopy(i) for i in self.store.items.values()]
        return sorted(
            (
                i
                for i in items
                if (channel_id is None or i.channel_id == channel_id)
                and (status is None or i.status is status)
            ),
            key=lambda i: i.received_at,
        )

    def page(self, query: InboxQuery, limit: int = 50, after: Cursor | None = None) -> InboxPage:
        with self.store.lock:
            page = page_of(self.store.items.values(), query, limit, after)
            return InboxPage(copy.deepcopy(page.items), page.next_cursor)

    def count_by_status(self, query: InboxQuery) -> dict[InboxStatus, int]:
        with self.store.lock:
            return counts_of(self.store.items.values(), query)



class _Channels(ChannelRepository):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.changed: dict[str, Channel] = {}
        self.changed_credentials: dict[str, ChannelCredentials] = {}

    def get(self, channel_id: str) -> Channel | None:
        return self.changed.get(channel_id) or self.store.channels.get(channel_id)

    def add(self, channel: Channel, credentials: ChannelCredentials) -> None:
        self.changed[channel.id] = channel
        self.changed_credentials[channel.id] = credentials

    def update(self, channel: Channel) -> None:
        self.changed[channel.id] = channel

    def list(self) -> list[Channel]:
        merged = {**self.store.channels, **self.changed}
        return sorted(merged.values(), key=lambda c: c.name)

    def credentials(self, channel_id: str) -> ChannelCredentials:
        return self.changed_credentials.get(channel_id) or self.store.credentials[channel_id]

    def set_credentials(self, channel_id: str, credentials: ChannelCredentials) -> None:
        self.changed_credentials[channel_id] = credentials


class _Deliveries(DeliveryRepository):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: list[RawDelivery] = []

    def add(self, delivery: RawDelivery) -> RawDelivery:
        with self.store.lock:
            known = {
                (d.channel_id, d.fingerprint)
                for d in self.store.deliveries + self.new
                if d.error is None
            }
        delivery.duplicate = (
            delivery.error is None and (delivery.channel_id, delivery.fingerprint) in known
        )
        delivery.id = delivery.id or uuid.uuid4().hex
        self.new.append(delivery)
        return delivery

    def list(self, channel_id: str) -> list[RawDelivery]:
        with self.store.lock:
            return [d for d in self.store.deliveries if d.channel_id == channel_id]

    def get(self, delivery_id: str) -> RawDelivery | None:
        with self.store.lock:
            known = self.store.deliveries + self.new
        return next((d for d in known if d.id == delivery_id), None)

    def for_order(self, channel_id: str, order_id: str, limit: int = 50) -> list[RawDelivery]:
        return [d for d in self.list(channel_id) if d.order_id == order_id][-limit:]

    def recent(self, channel_id: str, limit: int = 20) -> list[RawDelivery]:
        return list(reversed(self.list(channel_id)))[:limit]


class _Clients(ClientCache):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: dict[tuple[str, str], str] = {}

    def get(self, channel_id: str, match_key: str) -> str | None:
        key = (channel_id, match_key)
        return self.new.get(key) or self.store.clients.get(key)

    def put(self, channel_id: str, match_key: str, client_id: str) -> None:
        self.new[(channel_id, match_key)] = client_id


class _Watermarks(WatermarkRepository):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: dict[tuple[str, str], datetime] = {}

    def get(self, channel_id: str, name: str) -> datetime | None:
        key = (channel_id, name)
        return self.new.get(key) or self.store.watermarks.get(key)

    def set(self, channel_id: str, name: str, value: datetime) -> None:
        self.new[(channel_id, name)] = value


class InMemoryUnitOfWork(UnitOfWork):
    def __init__(self, store: MemoryStore | None = None):
        self.store = store or MemoryStore()
        self.committed = 0
        self._fresh()

    def _fresh(self) -> None:
        self.inbox = _Inbox(self.store)
        self.channels = _Channels(self.store)
        self.deliveries = _Deliveries(self.store)
        self.clients = _Clients(self.store)
        self.watermarks = _Watermarks(self.store)

    def __enter__(self) -> InMemoryUnitOfWork:
        self._fresh()
        return self

    def commit(self) -> None:
        with self.store.lock:
            for key, item in self.inbox.seen.items():
                item.version += 1
                self.store.items[key] = copy.deepcopy(item)
            self.store.channels.update(self.channels.changed)
            self.store.credentials.update(self.channels.changed_credentials)
            self.store.deliveries.extend(self.deliveries.new)
            self.store.clients.update(self.clients.new)
            self.store.watermarks.update(self.watermarks.new)
        self.channels.changed, self.channels.changed_credentials = {}, {}
        self.deliveries.new, self.clients.new, self.watermarks.new = [], {}, {}
        self.committed += 1

    def rollback(self) -> None:
        self.inbox.seen = {}
        self.channels.changed, self.channels.changed_credentials = {}, {}
        self.deliveries.new, self.clients.new, self.watermarks.new = [], {}, {}
