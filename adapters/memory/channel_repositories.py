"""In-memory channels, raw deliveries, the client cache and watermarks. Writes wait for the unit
of work's commit() (`apply`), exactly as they would in a database."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import datetime

from adapters.memory.store import MemoryStore
from application.ports import (
    ChannelCredentials,
    ChannelRepository,
    ClientCache,
    DeliveryRepository,
    RawDelivery,
    WatermarkRepository,
)
from domain.settings import Channel


class MemoryChannels(ChannelRepository):
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

    def webhook_key(self, channel_id: str, fresh: bool = False) -> str | None:
        """No cache: the store is the process's memory already."""
        credentials = self.changed_credentials.get(channel_id) or self.store.credentials.get(channel_id)
        return credentials.mozello_api_key if credentials else None

    def apply(self) -> None:
        self.store.channels.update(self.changed)
        self.store.credentials.update(self.changed_credentials)
        self.discard()

    def discard(self) -> None:
        self.changed, self.changed_credentials = {}, {}



class MemoryDeliveries(DeliveryRepository):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: list[RawDelivery] = []
        self.pruned: list[RawDelivery] = []
        self.queued: dict[str, datetime | None] = {}
        self.refused: dict[str, str] = {}

    def _all(self) -> list[RawDelivery]:
        with self.store.lock:
            return self.store.deliveries + self.new

    def add(self, delivery: RawDelivery) -> RawDelivery:
        delivery.duplicate = (
            delivery.error is None
            and self.first_of(delivery.channel_id, delivery.fingerprint) is not None
        )
        delivery.id = delivery.id or uuid.uuid4().hex
        if delivery.duplicate:
            delivery.queued_at = None
        self.new.append(delivery)
        return delivery

    def list(self, channel_id: str) -> list[RawDelivery]:
        with self.store.lock:
            return [d for d in self.store.deliveries if d.channel_id == channel_id]

    def get(self, delivery_id: str) -> RawDelivery | None:
        return next((d for d in self._all() if d.id == delivery_id), None)

    def wait_for(self, delivery_id: str, seconds: float = 5.0) -> RawDelivery | None:
        """Memory has no transaction to wait on: look again until the web thread's commit
        (microseconds after its message) shows it, for `seconds` at most."""
        deadline = time.monotonic() + seconds
        while (found := self.get(delivery_id)) is None and time.monotonic() < deadline:
            time.sleep(0.005)
        return found

    def keep(self, delivery: RawDelivery) -> RawDelivery:
        return self.add(delivery)  # the memory store has no transactions to leave out

    def first_of(self, channel_id: str, fingerprint: str) -> RawDelivery | None:
        return next((d for d in self._all() if d.channel_id == channel_id
                     and d.fingerprint == fingerprint and d.error is None and not d.duplicate),
                    None)

    def mark_queued(self, delivery_ids: Sequence[str], at: datetime) -> None:
        for delivery_id in delivery_ids:
            self.queued[delivery_id] = at

    def refuse(self, delivery_id: str, error: str) -> None:
        self.refused[delivery_id] = error

    def unqueued(self, received_before: datetime, limit: int) -> list[RawDelivery]:
        with self.store.lock:
            waiting = [d for d in self.store.deliveries if d.queued_at is None
                       and d.error is None and not d.duplicate and d.received_at < received_before]
        return waiting[:limit]

    def for_order(self, channel_id: str, order_id: str, limit: int = 50) -> list[RawDelivery]:
        return [d for d in self.list(channel_id) if d.order_id == order_id][-limit:]

    def recent(self, channel_id: str, limit: int = 20) -> list[RawDelivery]:
        return list(reversed(self.list(channel_id)))[:limit]

    def prune(self, received_before: datetime, limit: int) -> int:
        with self.store.lock:
            old = [d for d in self.store.deliveries if d.received_at < received_before][:limit]
        self.pruned.extend(old)
        return len(old)

    def apply(self) -> None:
        self.store.deliveries.extend(self.new)
        gone = {id(d) for d in self.pruned}
        self.store.deliveries[:] = [d for d in self.store.deliveries if id(d) not in gone]
        for delivery in self.store.deliveries:
            if delivery.id in self.queued:
                delivery.queued_at = self.queued[delivery.id]
            if delivery.id in self.refused:
                delivery.error = self.refused[delivery.id]
        self.discard()

    def discard(self) -> None:
        self.new, self.pruned, self.queued, self.refused = [], [], {}, {}



class MemoryClientCache(ClientCache):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: dict[tuple[str, str], str] = {}

    def get(self, channel_id: str, match_key: str) -> str | None:
        key = (channel_id, match_key)
        return self.new.get(key) or self.store.clients.get(key)

    def put(self, channel_id: str, match_key: str, client_id: str) -> None:
        self.new[(channel_id, match_key)] = client_id

    def apply(self) -> None:
        self.store.clients.update(self.new)
        self.discard()

    def discard(self) -> None:
        self.new = {}



class MemoryWatermarks(WatermarkRepository):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: dict[tuple[str, str], datetime] = {}

    def get(self, channel_id: str, name: str) -> datetime | None:
        key = (channel_id, name)
        return self.new.get(key) or self.store.watermarks.get(key)

    def set(self, channel_id: str, name: str, value: datetime) -> None:
        self.new[(channel_id, name)] = value

    def apply(self) -> None:
        self.store.watermarks.update(self.new)
        self.discard()

    def discard(self) -> None:
        self.new = {}

