"""Expiring locks shared by every process using the database: one stock sync per channel,
one worker per order, one worker per buyer.

Expiry is judged by the database's clock, never the caller's: a worker whose clock runs fast
cannot take over a live lock, nor one whose clock runs slow hold a dead one. (`now` is part of
the port for in-memory locks; here it is ignored.) Each acquire/release is its own short
transaction (never part of a unit of work), so the lock is visible to other processes at once
and a rollback elsewhere cannot drop it."""

from __future__ import annotations

import functools
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


_RELEASE = sa.delete(locks).where(locks.c.name == sa.bindparam("name"),
                                   locks.c.holder == sa.bindparam("holder"))


@functools.cache
def _take(dialect: str) -> sa.Executable:
    """Insert the lock, or take it over when it has expired (by the database's `now`) or is
    already the holder's; RETURNING a row only when it was written."""
    return upsert(
        dialect, locks,
        {"name": sa.bindparam("name"), "holder": sa.bindparam("holder"),
         "expires_at": sa.bindparam("expires_at", type_=locks.c.expires_at.type)},
        only_if=lambda new: sa.or_(
            locks.c.expires_at <= sa.bindparam("now", type_=locks.c.expires_at.type),
            locks.c.holder == new.holder),
    ).returning(locks.c.name)


class SqlLock(ExpiringLock):
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Taken when free, expired or already ours: one insert-or-update in one short
        transaction (statements built once per process)."""
        with self.engine.begin() as connection:
            now = database_now(connection)
            taken = connection.execute(_take(connection.dialect.name), {
                "name": name, "holder": holder, "expires_at": now + ttl, "now": now})
            return taken.first() is not None

    def release(self, name: str, holder: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(_RELEASE, {"name": name, "holder": holder})
