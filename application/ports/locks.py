"""Locks shared by every process, with an expiry so a crashed holder cannot block forever:
one worker per order (application/order_lock.py), one stock sync per channel.

Implementations: in memory (adapters/memory/locks.py) and SQL (adapters/storage/locks.py, a row
per name with holder and expires_at, taken by insert-or-update-where-expired)."""

from __future__ import annotations

import abc
from datetime import datetime, timedelta


class ExpiringLock(abc.ABC):
    """A named lock with an expiry, shared by every process, so a crashed holder cannot block
    forever: one worker per order, one stock sync per channel."""

    @abc.abstractmethod
    def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take the lock for `holder` until `now + ttl`; False while another holder's lock has
        not expired (an expired one is taken over)."""

    @abc.abstractmethod
    def release(self, name: str, holder: str) -> None:
        """Let go of the lock if `holder` still holds it (never someone else's)."""
