"""In-memory stock sync lock: one process, many threads (the unit tests and the demo)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from application.stock_ports import StockSyncLock


class InMemoryStockSyncLock(StockSyncLock):
    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held: dict[str, tuple[str, datetime]] = {}  # channel -> (holder, expires_at)

    def acquire(self, channel_id: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        with self._mutex:
            current = self._held.get(channel_id)
            if current is not None and current[0] != holder and current[1] > now:
                return False
            self._held[channel_id] = (holder, now + ttl)
            return True

    def release(self, channel_id: str, holder: str) -> None:
        with self._mutex:
            current = self._held.get(channel_id)
            if current is not None and current[0] == holder:
                del self._held[channel_id]

    def holder(self, channel_id: str) -> str | None:
        with self._mutex:
            current = self._held.get(channel_id)
            return current[0] if current else None
