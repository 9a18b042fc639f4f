"""One worker per order: a second worker finds the order busy and retries later."""

from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.clock import SteppingClock
from adapters.memory.locks import InMemoryLock
from application.errors import OrderBusy
from application.order_lock import ORDER_LOCK_TTL, holding_order, lock_name


def test_a_second_worker_on_the_same_order_is_told_to_retry():
    lock, clock = InMemoryLock(), SteppingClock(datetime(2026, 1, 1, tzinfo=UTC))
    name = lock_name("shop", "M-1")
    with holding_order(lock, "shop", "M-1", clock):
        first = lock.holder(name)
        assert first is not None
        with pytest.raises(OrderBusy, match="'M-1' of channel 'shop' is being processed"):
            with holding_order(lock, "shop", "M-1", clock):
                pass
        assert lock.holder(name) == first  # the refused worker took nothing
        with holding_order(lock, "shop", "M-2", clock):  # another order is free
            assert lock.holder(lock_name("shop", "M-2")) not in (None, first)
    assert lock.holder(name) is None  # released after the first worker
    with holding_order(lock, "shop", "M-1", clock):
        assert lock.holder(name) not in (None, first)


def test_a_lock_left_by_a_dead_worker_expires():
    lock, clock = InMemoryLock(), SteppingClock(datetime(2026, 1, 1, tzinfo=UTC), timedelta(0))
    name = lock_name("shop", "M-1")
    lock.acquire(name, "dead-worker", clock.now(), ORDER_LOCK_TTL)
    # Before the lock's time is up the order stays busy
    clock.current += ORDER_LOCK_TTL - timedelta(seconds=1)
    with pytest.raises(OrderBusy):
        with holding_order(lock, "shop", "M-1", clock):
            pass
    # Once it is up, the next worker takes the order over
    clock.current += timedelta(seconds=1)
    with holding_order(lock, "shop", "M-1", clock):
        assert lock.holder(name) not in (None, "dead-worker")
    assert lock.holder(name) is None


def test_lock_names_fit_the_lock_table_and_differ_per_channel():
    assert len(lock_name("c" * 64, "M-" + "9" * 60)) <= 64
    assert lock_name("a", "M-1") != lock_name("b", "M-1")
