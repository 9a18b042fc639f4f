"""An in-memory expiring lock: one process, many threads (the unit tests and the demo)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from application.ports import ExpiringLock


class InMemoryLock(ExpiringLock):
    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held: dict[str, tuple[str, datetime]] = {}  # name -> (holder, expires_at)

    def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        with self._mutex:
            current = self._held.get(name)
            if current is not None and current[0] != holder and current[1] > now:
                return False
            self._held[name] = (holder, now + ttl)
            return True

    def release(self, name: str, holder: str) -> None:
        with self._mutex:
            current = self._held.get(name)
            if current is not None and current[0] == holder:
                del self._held[name]

    def holder(self, name: str) -> str | None:
        with self._mutex:
            current = self._held.get(name)
            return current[0] if current else None
