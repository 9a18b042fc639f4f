"""Expiring locks held by a live worker: a short expiry, renewed while the holder works.

A killed worker stops renewing, so its lock lapses within `LOCK_TTL` (well under a minute) and
another worker takes the order over; a live worker never loses its lock however long PayTraq
takes, because a thread renews it every `RENEW_EVERY`. Whose clock decides expiry is the lock's
business (the database's clock in adapters/storage/locks.py), never the caller's."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import structlog

from application.ports import Clock, ExpiringLock

logger = structlog.get_logger()

LOCK_TTL = timedelta(seconds=30)
RENEW_EVERY = timedelta(seconds=10)
RETRY_EVERY = 0.2  # seconds between attempts while waiting for a busy lock


class _Renewal(threading.Thread):
    """Renews the held locks until stopped."""

    def __init__(self, lock: ExpiringLock, names: list[str], holder: str, clock: Clock,
                 ttl: timedelta, every: timedelta):
        super().__init__(name="lock-renewal", daemon=True)
        self.lock, self.names, self.holder, self.clock = lock, names, holder, clock
        self.ttl, self.every = ttl, every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every.total_seconds()):
            self.renew_now()

    def renew_now(self) -> None:
        """Push every held lock's expiry `ttl` past now."""
        for name in self.names:
            try:
                if not self.lock.acquire(name, self.holder, self.clock.now(), self.ttl):
                    logger.error("lock_lost", lock=name)
            except Exception as error:  # a database hiccup: try again at the next tick
                logger.warning("lock_renewal_failed", lock=name, error=str(error))

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


def _take(lock: ExpiringLock, name: str, holder: str, clock: Clock, ttl: timedelta,
          patience: float, wait: Callable[[float], None]) -> bool:
    deadline = time.monotonic() + patience
    while not lock.acquire(name, holder, clock.now(), ttl):
        if time.monotonic() >= deadline:
            return False
        wait(RETRY_EVERY)
    return True


@contextmanager
def holding(lock: ExpiringLock, names: list[str], clock: Clock, busy: Callable[[], Exception],
            ttl: timedelta = LOCK_TTL, renew_every: timedelta = RENEW_EVERY,
            patience: float = 0.0, wait: Callable[[float], None] = time.sleep
            ) -> Iterator[_Renewal]:
    """Hold every lock in `names` (taken in sorted order, so two holders never deadlock),
    renewed while the block runs. Raises `busy()` when one stays taken for `patience` seconds."""
    holder, held, renewal = uuid.uuid4().hex, [], None
    try:
        for name in sorted(set(names)):
            if not _take(lock, name, holder, clock, ttl, patience, wait):
                raise busy()
            held.append(name)
        renewal = _Renewal(lock, held, holder, clock, ttl, renew_every)
        renewal.start()
        yield renewal
    finally:
        if renewal is not None:
            renewal.stop()
        for name in reversed(held):
            lock.release(name, holder)
