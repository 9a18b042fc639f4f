"""One worker per order at a time, without holding a database lock across API calls. The lock
expires within half a minute of its worker's death; a live worker renews it (lock_keeper)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from application.errors import OrderBusy
from application.lock_keeper import LOCK_TTL, holding
from application.ports import Clock, ExpiringLock

ORDER_LOCK_TTL = LOCK_TTL


def lock_name(channel_id: str, order_id: str) -> str:
    digest = hashlib.sha256(f"{channel_id}\0{order_id}".encode()).hexdigest()[:40]
    return f"order:{digest}"


@contextmanager
def holding_order(lock: ExpiringLock | None, channel_id: str, order_id: str,
                  clock: Clock) -> Iterator[None]:
    if lock is None:
        yield
        return
    with holding(lock, [lock_name(channel_id, order_id)], clock,
                 busy=lambda: OrderBusy(channel_id, order_id)):
        yield
