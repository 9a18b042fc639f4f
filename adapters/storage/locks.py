"""Expiring locks shared by every process using the database: one stock sync per channel,
one worker per order, one worker per buyer.

Expiry is judged by the database's clock, never the caller's: a worker whose clock runs fast
cannot take over a live lock, nor one whose clock runs slow hold a dead one. (`now` is part of
the port for in-memory locks; here it is ignored.) Each acquire/release is its own short
transaction (never part of a unit of work), so the lock is visible to other processes at once
and a rollback elsewhere cannot drop it."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

import sqlalchemy as sa

from adapters.storage.driver_statement import Ran
from adapters.storage.engine import LOCK_TIMEOUT
from adapters.storage.tables import locks
from adapters.storage.transaction import Transaction
from adapters.storage.upsert import upsert
from application.ports import ExpiringLock

_RELEASE = sa.delete(locks).where(locks.c.name == sa.bindparam("name"),
                                   locks.c.holder == sa.bindparam("holder"))


# the database's now, in the form the dialect stores `locks.expires_at` (SQLite: the text
# SQLAlchemy writes, microseconds and all) — stable within the statement on both
_NOW_SQL = {
    "postgresql": lambda: sa.func.statement_timestamp(),
    "sqlite": lambda: sa.func.strftime("%Y-%m-%d %H:%M:%f", "now").concat("000"),
}
_LATER_SQL = {  # the database's now + `ttl_seconds`
    "postgresql": lambda: sa.func.statement_timestamp() + sa.func.make_interval(
        0, 0, 0, 0, 0, 0, sa.bindparam("ttl_seconds", type_=sa.Float)),
    "sqlite": lambda: sa.func.strftime(
        "%Y-%m-%d %H:%M:%f", "now",
        sa.func.printf("%+.3f seconds", sa.bindparam("ttl_seconds", type_=sa.Float)),
    ).concat("000"),
}


@functools.cache
def _take(dialect: str) -> sa.Executable:
    """Insert the lock, or take it over when it has expired (by the database's now) or is
    already the holder's; RETURNING a row only when it was written. One statement: the
    database's clock is read by the statement itself."""
    return upsert(
        dialect, locks,
        {"name": sa.bindparam("name"), "holder": sa.bindparam("holder"),
         "expires_at": _LATER_SQL[dialect]()},
        only_if=lambda new: sa.or_(locks.c.expires_at <= _NOW_SQL[dialect](),
                                   locks.c.holder == new.holder),
    ).returning(locks.c.name)


class SqlLock(ExpiringLock):
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Taken when free, expired or already ours: one insert-or-update, committed by
        itself (Transaction.write_alone; compiled once per process)."""
        taken = self._alone(_take(self.engine.dialect.name), {
            "name": name, "holder": holder, "ttl_seconds": ttl.total_seconds()})
        return bool(taken.rows)

    def release(self, name: str, holder: str) -> None:
        """One DELETE, committed by itself (Transaction.write_alone)."""
        self._alone(_RELEASE, {"name": name, "holder": holder})

    def _alone(self, statement: sa.Executable, params: dict) -> Ran:
        transaction = Transaction(self.engine, LOCK_TIMEOUT)
        try:
            return transaction.write_alone(statement, params)
        finally:
            transaction.close()
