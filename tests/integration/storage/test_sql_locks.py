"""The SQL lock: one holder per name across processes; expiry by the database's clock, so a
worker whose clock is wrong neither takes over a live lock nor keeps a dead one."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from adapters.storage.locks import SqlLock
from adapters.storage.tables import locks
from application.lock_keeper import LOCK_TTL
from tests.integration.storage.conftest import _backend, postgres_engine  # noqa: F401

NOW = datetime.now(UTC)
HOUR = timedelta(hours=1)
_NOW = {
    "postgresql": "SELECT clock_timestamp()",
    "sqlite": "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')",
}


def database_now(connection: sa.Connection) -> datetime:
    """The database server's current time (UTC)."""
    value = connection.execute(sa.text(_NOW[connection.dialect.name])).scalar_one()
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def lock(request, tmp_path):
    for backend in _backend(request.param, request, tmp_path):
        yield SqlLock(backend.engine)


def test_a_second_holder_is_refused_while_the_first_holds_the_lock(lock):
    assert lock.acquire("shop", "run-1", NOW, HOUR) is True
    assert lock.acquire("shop", "run-2", NOW, HOUR) is False
    assert lock.acquire("other-shop", "run-2", NOW, HOUR) is True


def test_a_released_lock_can_be_taken_and_only_the_holder_releases(lock):
    lock.acquire("shop", "run-1", NOW, HOUR)
    lock.release("shop", "run-2")
    assert lock.acquire("shop", "run-2", NOW, HOUR) is False
    lock.release("shop", "run-1")
    assert lock.acquire("shop", "run-2", NOW, HOUR) is True


def test_an_expired_lock_of_a_crashed_worker_is_taken_over(lock):
    # Given a holder that died right after its lock's time ran out (by the database's clock)
    lock.acquire("order", "crashed", NOW, timedelta(0))
    # Then the next worker takes the lock over
    assert lock.acquire("order", "next", NOW, LOCK_TTL) is True


def test_a_worker_whose_clock_runs_an_hour_fast_cannot_take_over_a_live_lock(lock):
    # Given a live lock, held for the usual half minute
    assert lock.acquire("order", "alive", NOW, LOCK_TTL) is True
    # When a worker whose clock is an hour ahead asks for it
    taken = lock.acquire("order", "fast-clock", NOW + HOUR, LOCK_TTL)
    # Then it is refused: the database's clock says the lock is still live
    assert taken is False


def test_a_lock_expires_half_a_minute_after_its_last_renewal_by_the_database_clock(lock):
    # Given a worker whose clock is an hour slow takes the lock
    lock.acquire("order", "slow-clock", NOW - HOUR, LOCK_TTL)
    # Then the lock expires LOCK_TTL after the database's now, not after the worker's
    with lock.engine.connect() as connection:
        expires = connection.execute(sa.select(locks.c.expires_at)).scalar_one()
        remaining = expires.replace(tzinfo=UTC) - database_now(connection)
    assert timedelta(seconds=20) < remaining <= LOCK_TTL


def test_a_lock_row_written_as_sqlalchemy_writes_it_is_judged_by_the_same_clock(lock):
    # Given lock rows whose expiry SQLAlchemy's own type wrote (as every version before the
    # one-statement take did): one expired two seconds ago, one live for another minute
    with lock.engine.begin() as connection:
        now = database_now(connection)
        for name, expires_at in (("expired", now - timedelta(seconds=2)),
                                 ("live", now + timedelta(minutes=1))):
            connection.execute(sa.insert(locks).values(name=name, holder="old",
                                                       expires_at=expires_at))
    # Then the take compares them with the database's clock correctly
    assert lock.acquire("expired", "new", NOW, LOCK_TTL) is True
    assert lock.acquire("live", "new", NOW, LOCK_TTL) is False
    # And what the take wrote reads back as SQLAlchemy reads its own rows
    with lock.engine.connect() as connection:
        expires = connection.execute(
            sa.select(locks.c.expires_at).where(locks.c.name == "expired")).scalar_one()
        remaining = expires.replace(tzinfo=UTC) - database_now(connection)
        assert LOCK_TTL - timedelta(seconds=5) < remaining <= LOCK_TTL
        if lock.engine.dialect.name == "sqlite":  # text, microseconds and all, as SQLAlchemy
            assert connection.exec_driver_sql(  # writes it: compared as text by SQLite
                "SELECT typeof(expires_at), length(expires_at) FROM locks "
                "WHERE name = 'expired'").one() == ("text", 26)
