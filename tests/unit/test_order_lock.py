"""One worker per order: a second worker finds the order busy and retries later."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.clock import SteppingClock
from adapters.memory.locks import InMemoryLock
from application.errors import OrderBusy
from application.lock_keeper import holding
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


def test_a_live_worker_keeps_its_order_past_the_expiry_by_renewing_it():
    # Given a worker holding an order's lock, renewed as it works
    lock, clock = InMemoryLock(), SteppingClock(datetime(2026, 1, 1, tzinfo=UTC))
    name = lock_name("shop", "M-1")
    with holding(lock, [name], clock, busy=lambda: OrderBusy("shop", "M-1"),
                 renew_every=timedelta(hours=1)) as renewal:
        # When PayTraq is slow and the first expiry passes, with a renewal in between
        clock.current += ORDER_LOCK_TTL * 0.8
        renewal.renew_now()
        clock.current += ORDER_LOCK_TTL * 0.8
        # Then another worker still finds the order busy
        assert lock.acquire(name, "another-worker", clock.now(), ORDER_LOCK_TTL) is False
    # And once the worker is done, the lock is free at once
    assert lock.acquire(name, "another-worker", clock.now(), ORDER_LOCK_TTL) is True


def test_a_dead_workers_order_lock_lapses_in_well_under_a_minute():
    assert ORDER_LOCK_TTL <= timedelta(seconds=30)


class CountingLock(InMemoryLock):
    """An in-memory lock that counts the renewals (an acquire by the holder it already has)."""

    def __init__(self):
        super().__init__()
        self.renewals = 0

    def acquire(self, name, holder, now, ttl):
        if self.holder(name) == holder:
            self.renewals += 1
        return super().acquire(name, holder, now, ttl)


def _until(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.01)


def test_held_locks_are_renewed_by_the_process_until_their_blocks_end():
    # Given two blocks holding locks at once, renewed every 50 ms by the process's renewer
    lock, clock = CountingLock(), SteppingClock(datetime(2026, 1, 1, tzinfo=UTC))
    every = timedelta(milliseconds=50)
    with holding(lock, ["a"], clock, busy=lambda: OrderBusy("shop", "a"), renew_every=every):
        with holding(lock, ["b"], clock, busy=lambda: OrderBusy("shop", "b"), renew_every=every):
            # Then both are renewed while their blocks run
            _until(lambda: lock.renewals >= 4)
        assert lock.holder("b") is None
        seen = lock.renewals
        _until(lambda: lock.renewals >= seen + 2)  # "a" still is
        assert lock.holder("a") is not None
    # And once the blocks end, nothing renews (a renewal after the release would take the
    # lock again): the locks stay free
    time.sleep(0.2)
    assert (lock.holder("a"), lock.holder("b")) == (None, None)


def test_a_block_ending_during_a_renewal_waits_for_it_and_is_not_renewed_after():
    # Given a renewal that is slow (the database busy) when the block ends
    renewing = threading.Event()

    class SlowLock(CountingLock):
        def acquire(self, name, holder, now, ttl):
            if self.holder(name) == holder:
                renewing.set()
                time.sleep(0.2)
            return super().acquire(name, holder, now, ttl)

    lock, clock = SlowLock(), SteppingClock(datetime(2026, 1, 1, tzinfo=UTC))
    with holding(lock, ["a"], clock, busy=lambda: OrderBusy("shop", "a"),
                 renew_every=timedelta(milliseconds=20)):
        assert renewing.wait(30), "no renewal"  # the first renewal is under way
    # Then the release came after the renewal, and the lock is free
    assert lock.holder("a") is None
    time.sleep(0.3)
    assert lock.holder("a") is None


def test_a_renewal_picked_just_before_the_block_ended_takes_nothing_back():
    lock, clock = CountingLock(), SteppingClock(datetime(2026, 1, 1, tzinfo=UTC))
    with holding(lock, ["a"], clock, busy=lambda: OrderBusy("shop", "a"),
                 renew_every=timedelta(hours=1)) as hold:
        pass
    hold.renew_now()  # the renewer had picked it as due before the block ended
    assert lock.holder("a") is None


def test_slow_renewals_of_several_holds_do_not_wait_for_one_another():
    # Given five workers' locks, each renewal slow (SQLite waiting for its write lock): one
    # renewal after another would leave each lock unrenewed for five renewals' time, past its
    # expiry. Here a renewal lasts until all five are under way — it can only end if the
    # renewals run side by side (one after another, the first would wait alone, then fail)
    holds, rounds = 5, 2
    passed: list[int] = []
    done = threading.Event()

    def all_five_under_way() -> None:  # runs once per round, before any of the five goes on
        passed.append(1)
        if len(passed) == rounds:
            done.set()

    together = threading.Barrier(holds, action=all_five_under_way, timeout=30)
    renewed: dict[str, int] = {}

    class SlowLock(InMemoryLock):
        def acquire(self, name, holder, now, ttl_):
            if self.holder(name) == holder and not done.is_set():
                together.wait()  # raises once broken: that renewal fails
                renewed[name] = renewed.get(name, 0) + 1
            return super().acquire(name, holder, now, ttl_)

    lock, clock = SlowLock(), SteppingClock(datetime(2026, 1, 1, tzinfo=UTC), timedelta(0))

    def worker(n: int) -> None:
        with holding(lock, [f"order-{n}"], clock, busy=lambda: OrderBusy("shop", str(n)),
                     renew_every=timedelta(milliseconds=20)):
            done.wait(60)

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(holds)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    # Then every lock was renewed again and again, all five renewals under way at once
    assert not together.broken, "the renewals waited for one another"
    assert renewed == {f"order-{n}": rounds for n in range(holds)}


def test_a_renewal_whose_thread_cannot_start_is_made_by_the_watcher(monkeypatch):
    # Given a process at its thread limit when a renewal falls due (the first renewal thread
    # refused, as CPython refuses with "can't start new thread")
    import application.lock_keeper as lock_keeper

    start, refused = threading.Thread.start, []

    def start_unless_the_first_renewal(thread):
        if thread.name == "lock-renewal" and thread._target is not None and (
                getattr(thread._target, "__name__", "") == "_renew") and not refused:
            refused.append(thread)
            raise RuntimeError("can't start new thread")
        return start(thread)

    monkeypatch.setattr(threading.Thread, "start", start_unless_the_first_renewal)
    monkeypatch.setattr(lock_keeper, "_renewer", lock_keeper._Renewer())
    lock, clock = CountingLock(), SteppingClock(datetime(2026, 1, 1, tzinfo=UTC))
    with holding(lock, ["a"], clock, busy=lambda: OrderBusy("shop", "a"),
                 renew_every=timedelta(milliseconds=30)):
        # Then the lock is renewed all the same, and again after that: it never lapses
        # while its block runs (a lapsed lock lets another worker take the same order)
        _until(lambda: lock.renewals >= 3)
        assert refused
    assert lock.holder("a") is None
