"""One worker per order: a second worker finds the order busy and retries later."""

from datetime import UTC, datetime

import pytest

from adapters.memory.clock import SteppingClock
from adapters.memory.locks import InMemoryLock
from application.errors import OrderBusy
from application.order_lock import ORDER_LOCK_TTL, holding_order, lock_name


def test_a_second_worker_on_the_same_order_is_told_to_retry():
    lock, clock = InMemoryLock(), SteppingClock(datetime(2026, 1, 1, tzinfo=UTC))
    with holding_order(lock, "shop", "M-1", clock):
        with pytest.raises(OrderBusy):
            with holding_order(lock, "shop", "M-1", clock):
                pass
        with holding_order(lock, "shop", "M-2", clock):  # another order is free
            pass
    with holding_order(lock, "shop", "M-1", clock):  # released after the first worker
        pass


def test_a_lock_left_by_a_dead_worker_expires():
    lock, clock = InMemoryLock(), SteppingClock(datetime(2026, 1, 1, tzinfo=UTC))
    lock.acquire(lock_name("shop", "M-1"), "dead-worker", clock.now(), ORDER_LOCK_TTL)
    clock.current += ORDER_LOCK_TTL
    with holding_order(lock, "shop", "M-1", clock):
        pass


def test_lock_names_fit_the_lock_table_and_differ_per_channel():
    assert len(lock_name("c" * 64, "M-" + "9" * 60)) <= 64
    assert lock_name("a", "M-1") != lock_name("b", "M-1")
