"""Expiring locks shared by every process using the database: one stock sync per channel,
one worker per order.

Each acquire/release is its own short transaction (never part of a unit of work), so the lock
is visible to other processes at once and a rollback elsewhere cannot drop it."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from adapters.storage.tables import locks
from application.ports import ExpiringLock


class SqlLock(ExpiringLock):
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        expires = now + ttl
        with self.engine.begin() as connection:
            taken = connection.execute(
                sa.update(locks)
                .where(
                    locks.c.name == name,
                    sa.or_(locks.c.expires_at <= now, locks.c.holder == holder),
                )
                .values(holder=holder, expires_at=expires)
            ).rowcount
            if taken:
                return True
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    sa.insert(locks).values(name=name, holder=holder,
                                            expires_at=expires)
                )
            return True
        except IntegrityError:
            return False

    def release(self, name: str, holder: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.delete(locks).where(locks.c.name == name, locks.c.holder == holder)
            )
