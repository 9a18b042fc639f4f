"""One worker per order at a time, without holding a database lock across API calls."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from application.errors import OrderBusy
from application.ports import Clock, ExpiringLock

ORDER_LOCK_TTL = timedelta(minutes=15)


def lock_name(channel_id: str, order_id: str) -> str:
    digest = hashlib.sha256(f"{channel_id}\0{order_id}".encode()).hexdigest()[:40]
    return f"order:{digest}"


@contextmanager
def holding_order(lock: ExpiringLock | None, channel_id: str, order_id: str,
                  clock: Clock) -> Iterator[None]:
    if lock is None:
        yield
        return
    name, holder = lock_name(channel_id, order_id), uuid.uuid4().hex
    if not lock.acquire(name, holder, clock.now(), ORDER_LOCK_TTL):
        raise OrderBusy(channel_id, order_id)
    try:
        yield
    finally:
        lock.release(name, holder)
