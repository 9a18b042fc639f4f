"""Ports the stock sync needs beyond application/storage_ports.py: one run per channel at a time."""

from __future__ import annotations

import abc
from datetime import datetime, timedelta

from application.errors import TransientError
from application.ports import ExpiringLock


class StockSyncAlreadyRunning(TransientError):
    """Another stock sync of the channel holds the lock; try again when it has finished."""

    def __init__(self, channel_id: str):
        super().__init__(f"a stock sync of channel {channel_id!r} is already running")
        self.channel_id = channel_id


class StockSyncLock(ExpiringLock):
    """A per-channel lock with an expiry, so that a crashed run cannot block its channel forever.

    Implementations: in memory (adapters/memory/stock_repositories.py); Redis (`SET key holder
    NX PX ttl`, release by compare-and-delete) or SQL (a row per channel with holder and
    expires_at, taken by insert-or-update-where-expired) are for the deployed service."""

    @abc.abstractmethod
    def acquire(self, channel_id: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take the channel's lock for `holder` until `now + ttl`. False while another holder's
        lock has not expired; an expired lock is taken over."""

    @abc.abstractmethod
    def release(self, channel_id: str, holder: str) -> None:
        """Let go of the lock if `holder` still holds it (never someone else's)."""
