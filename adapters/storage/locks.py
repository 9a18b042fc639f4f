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
from sqlalchemy.exc import IntegrityError

from adapters.storage.tables import locks
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
        with self.engine.begin() as connection:
            now = database_now(connection)
            taken = connection.execute(
                sa.update(locks)
                .where(
                    locks.c.name == name,
                    sa.or_(locks.c.expires_at <= now, locks.c.holder == holder),
                )
                .values(holder=holder, expires_at=now + ttl)
            ).rowcount
            if taken:
                return True
        try:
            with self.engine.begin() as connection:
                now = database_now(connection)
                connection.execute(
                    sa.insert(locks).values(name=name, holder=holder, expires_at=now + ttl)
                )
            return True
        except IntegrityError:
            return False

    def release(self, name: str, holder: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.delete(locks).where(locks.c.name == name, locks.c.holder == holder)
            )
