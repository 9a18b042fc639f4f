"""Expiring locks held by a live worker: a short expiry, renewed while the holder works.

A killed worker stops renewing, so its lock lapses within `LOCK_TTL` (well under a minute) and
another worker takes the order over; a live worker never loses its lock however long PayTraq
takes, because the process's renewal thread renews it every `RENEW_EVERY`. Whose clock
decides expiry is the lock's business (the database's clock in adapters/storage/locks.py),
never the caller's."""

from __future__ import annotations

import math
import os
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


class _Hold:
    """The locks one holder keeps while its block runs, renewed by the process's renewer."""

    def __init__(self, lock: ExpiringLock, names: list[str], holder: str, clock: Clock,
                 ttl: timedelta, every: timedelta):
        self.lock, self.names, self.holder, self.clock = lock, names, holder, clock
        self.ttl, self.every = ttl, every.total_seconds()
        self.due = time.monotonic() + self.every
        self._guard = threading.Lock()  # a renewal and the end never overlap
        self._active = True

    def renew_now(self) -> None:
        """Push every held lock's expiry `ttl` past now (never once the block has ended: an
        upsert after the release would take the lock again)."""
        with self._guard:
            if not self._active:
                return
            for name in self.names:
                try:
                    if not self.lock.acquire(name, self.holder, self.clock.now(), self.ttl):
                        logger.error("lock_lost", lock=name)
                except Exception as error:  # a database hiccup: try again at the next tick
                    logger.warning("lock_renewal_failed", lock=name, error=str(error))
            self.due = time.monotonic() + self.every

    def end(self) -> None:
        """No renewal from now on; returns once a renewal under way has finished."""
        with self._guard:
            self._active = False


class _Renewer:
    """One thread per process watches every hold and renews each when it falls due: a thread
    started and joined for every order cost more than the order's own database work, and most
    orders are done long before their first renewal. It sleeps until the earliest hold is due,
    woken only by a hold due sooner than that. Each renewal runs on a thread of its own, so a
    slow one (SQLite waits for its write lock) never holds back another hold's renewal past
    its expiry; a hold is never renewed twice at once. A process that cannot start another
    thread has its holds renewed on the watcher itself, one after another."""

    IDLE = 60.0  # seconds it sleeps with nothing held

    def __init__(self) -> None:
        self._holds: set[_Hold] = set()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._wakes_at = 0.0

    def add(self, hold: _Hold) -> None:
        with self._changed:
            self._holds.add(hold)
            if self._thread is None or not self._thread.is_alive():  # first, or after a fork
                self._thread = threading.Thread(target=self._run, name="lock-renewal",
                                                daemon=True)
                self._thread.start()
            elif hold.due < self._wakes_at:
                self._changed.notify()

    def remove(self, hold: _Hold) -> None:
        with self._changed:
            self._holds.discard(hold)
        hold.end()

    def _run(self) -> None:
        while True:
            with self._changed:
                now = time.monotonic()
                due = [hold for hold in self._holds if hold.due <= now]
                if not due:
                    self._wakes_at = min((hold.due for hold in self._holds  # not in flight
                                          if hold.due != math.inf), default=now + self.IDLE)
                    self._changed.wait(self._wakes_at - now)
                    continue
                for hold in due:  # not picked again until this renewal has finished
                    hold.due = math.inf
            for hold in due:
                try:
                    threading.Thread(target=self._renew, args=(hold,), name="lock-renewal",
                                     daemon=True).start()
                except RuntimeError as refused:  # no thread to be had: the process is at its
                    # limit. Renewed here, late for the holds after it rather than never (it
                    # is marked in flight: nothing else would pick it again)
                    logger.error("lock_renewal_thread_refused", error=str(refused))
                    self._renew(hold)

    def _renew(self, hold: _Hold) -> None:
        hold.renew_now()  # due again `every` from now (unless its block has ended)
        with self._changed:
            self._changed.notify()  # the watcher may be sleeping past the new due time


_renewer = _Renewer()


def _renewer_of_its_own() -> None:
    """A forked child (a gunicorn or Dramatiq worker) starts with no renewal thread and none
    of its parent's holds."""
    global _renewer
    _renewer = _Renewer()


os.register_at_fork(after_in_child=_renewer_of_its_own)


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
            ) -> Iterator[_Hold]:
    """Hold every lock in `names` (taken in sorted order, so two holders never deadlock),
    renewed while the block runs. Raises `busy()` when one stays taken for `patience` seconds."""
    holder, held, hold = uuid.uuid4().hex, [], None
    try:
        for name in sorted(set(names)):
            if not _take(lock, name, holder, clock, ttl, patience, wait):
                raise busy()
            held.append(name)
        hold = _Hold(lock, held, holder, clock, ttl, renew_every)
        _renewer.add(hold)
        yield hold
    finally:
        if hold is not None:
            _renewer.remove(hold)
        for name in reversed(held):
            lock.release(name, holder)
