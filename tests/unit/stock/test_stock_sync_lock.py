"""The in-memory per-channel lock: one holder at a time, expiring, released only by its holder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.memory.locks import InMemoryLock

NOW = datetime(2026, 2, 2, 6, 0, tzinfo=UTC)
TTL = timedelta(minutes=10)


def test_a_held_lock_refuses_another_holder_of_the_same_channel():
    lock = InMemoryLock()
    assert lock.acquire("shop-1", "run-a", NOW, TTL)
    assert not lock.acquire("shop-1", "run-b", NOW + timedelta(minutes=9), TTL)


def test_channels_are_locked_independently():
    lock = InMemoryLock()
    assert lock.acquire("shop-1", "run-a", NOW, TTL)
    assert lock.acquire("shop-2", "run-b", NOW, TTL)


def test_an_expired_lock_is_taken_over():
    lock = InMemoryLock()
    lock.acquire("shop-1", "run-a", NOW, TTL)
    assert lock.acquire("shop-1", "run-b", NOW + TTL, TTL)
    assert lock.holder("shop-1") == "run-b"


def test_only_the_holder_releases_the_lock():
    # Given run-b took over run-a's expired lock
    lock = InMemoryLock()
    lock.acquire("shop-1", "run-a", NOW, TTL)
    lock.acquire("shop-1", "run-b", NOW + TTL, TTL)
    # When the late run-a releases, Then run-b still holds it
    lock.release("shop-1", "run-a")
    assert lock.holder("shop-1") == "run-b"
    # When run-b releases, Then anyone may take it
    lock.release("shop-1", "run-b")
    assert lock.acquire("shop-1", "run-c", NOW + TTL, TTL)
