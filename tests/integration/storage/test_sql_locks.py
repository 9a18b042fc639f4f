"""The SQL stock-sync lock: one holder per channel across processes, expiry takes over."""

from datetime import UTC, datetime, timedelta

import pytest

from adapters.storage.locks import SqlLock
from tests.integration.storage.conftest import _backend, postgres_engine  # noqa: F401

T0 = datetime(2026, 1, 1, 6, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def lock(request, tmp_path):
    for backend in _backend(request.param, request, tmp_path):
        yield SqlLock(backend.engine)


def test_a_second_holder_is_refused_while_the_first_holds_the_lock(lock):
    assert lock.acquire("shop", "run-1", T0, HOUR) is True
    assert lock.acquire("shop", "run-2", T0 + timedelta(minutes=5), HOUR) is False
    assert lock.acquire("other-shop", "run-2", T0, HOUR) is True


def test_a_released_lock_can_be_taken_and_only_the_holder_releases(lock):
    lock.acquire("shop", "run-1", T0, HOUR)
    lock.release("shop", "run-2")
    assert lock.acquire("shop", "run-2", T0, HOUR) is False
    lock.release("shop", "run-1")
    assert lock.acquire("shop", "run-2", T0, HOUR) is True


def test_an_expired_lock_of_a_crashed_run_is_taken_over(lock):
    lock.acquire("shop", "crashed", T0, HOUR)
    assert lock.acquire("shop", "next", T0 + HOUR + timedelta(seconds=1), HOUR) is True
