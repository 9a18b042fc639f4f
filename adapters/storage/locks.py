"""Expiring locks shared by every process using the database: one stock sync per channel,
one worker per order, one worker per buyer.

Expiry is judged by the database's clock, never the caller's: a worker whose clock runs fast
cannot take over a live lock, nor one whose clock runs slow hold a dead one. (`now` is part of
the port for in-memory locks; here it is ignored.) Each acquire/release is its own short
transaction (never part of a unit of work), so the lock is visible to other processes at once
and a rollback elsewhere cannot drop it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from adapters.storage.tables import locks
from adapters.storage.upsert import upsert
from application.ports import ExpiringLock

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


class SqlLock(ExpiringLock):
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Taken when free, expired or already ours: one insert-or-update in one short
        transaction; the row comes back only when it was written (the condition held)."""
        with self.engine.begin() as connection:
            now = database_now(connection)
            statement = upsert(
                connection.dialect.name, locks,
                {"name": name, "holder": holder, "expires_at": now + ttl},
                only_if=lambda new: sa.or_(locks.c.expires_at <= now,
                                           locks.c.holder == new.holder))
            return connection.execute(statement.returning(locks.c.name)).first() is not None

    def release(self, name: str, holder: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.delete(locks).where(locks.c.name == name, locks.c.holder == holder)
            )
