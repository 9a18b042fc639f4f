"""The database side of one unit of work, and its locking rules.

PostgreSQL: one READ COMMITTED transaction per unit of work; `SELECT ... FOR UPDATE` locks a row.
SQLite: a read outside a write is one statement on its own (no BEGIN: SQLite's own
statement-long read transaction, which sees the latest commit, as PostgreSQL's READ COMMITTED
does); the first write, or a lock, opens `BEGIN IMMEDIATE`, which takes
the database-wide write lock until commit or rollback. Holding that lock from the start means a
write never fails on a stale snapshot, and two workers never hold an order at once.

Waiting longer than `lock_timeout` for a lock raises StorageBusy (a TransientError: retry).
PostgreSQL's connections wait the usual `LOCK_TIMEOUT` from when they are made (engine.py); a
transaction told otherwise sets its own with `SET LOCAL`, which ends with it."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, OperationalError

from adapters.storage.driver_statement import Ran, checkout_errors, compiled_for, driver_errors
from adapters.storage.engine import (
    BEGIN_MODE,
    PING_AFTER,
    SESSION_LOCK_TIMEOUT,
    USED_AT,
    idle_too_long,
)
from application.errors import StorageBusy

_PG_LOCK_STATES = {"55P03", "40P01", "40001"}  # lock_not_available, deadlock, serialization
BUSY_TIMEOUT = "sales_inbox.busy_timeout_ms"  # Connection.info: what the connection waits now
_SQLITE_LOCKED = ("database is locked", "database is busy", "database table is locked")


def is_lock_conflict(error: DBAPIError) -> bool:
    state = getattr(error.orig, "sqlstate", None)
    return state in _PG_LOCK_STATES or any(text in str(error.orig) for text in _SQLITE_LOCKED)


@contextmanager
def lock_conflicts_are_transient() -> Iterator[None]:
    try:
        yield
    except OperationalError as error:
        if is_lock_conflict(error):
            raise StorageBusy("the database is busy: another worker holds the lock; retry") from None
        raise


def rows_of(result: sa.CursorResult) -> list[sa.Row]:
    return result.all() if result.returns_rows else []


class Transaction:
    def __init__(self, engine: sa.Engine, lock_timeout: float):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.lock_timeout = lock_timeout
        self._connection: sa.Connection | None = None  # for transactions
        self._driver: sa.PoolProxiedConnection | None = None  # for statements run alone
        self._autocommit_was: bool | None = None  # PostgreSQL: the kept one's, to restore
        self._driver_used = 0.0  # when the kept one was last used (time.monotonic())

    def read(self, statement: sa.Executable, lock: bool = False,
             params: dict | None = None) -> Sequence[Mapping[str, Any]]:
        """The rows, as mappings by column name; with `lock`, they (SQLite: the database) stay
        locked until the end. `params` fill the bind parameters of a statement built once per
        process (the hot paths' reads): outside a transaction, such a read is a statement of
        its own on the driver's connection (driver_statement.py) — on PostgreSQL without the
        BEGIN and ROLLBACK around it, which READ COMMITTED makes no different: each of its
        statements sees the latest commit, as one alone does."""
        with lock_conflicts_are_transient():
            if params is not None and not lock and not self.in_transaction():
                with self._alone() as connection:
                    return compiled_for(statement, self.engine.dialect).mappings(
                        self.engine, connection, params)
            if self.dialect == "sqlite" and not lock and not self.in_transaction():
                connection = self._begin(write=False)
                try:
                    return connection.execute(statement, params).mappings().all()
                finally:
                    connection.rollback()  # a read-only transaction: nothing to keep
            connection = self._open(write=lock)
            return connection.execute(statement, params).mappings().all()

    def write(self, statement: sa.Executable,
              rows: Sequence[dict] | dict | None = None) -> sa.CursorResult:
        """Execute a write; with `rows`, once per row (the driver's executemany); a single
        dict fills the statement's bind parameters."""
        with lock_conflicts_are_transient():
            return self._open(write=True).execute(statement, rows)

    def write_alone(self, statement: sa.Executable, params: dict) -> Ran:
        """A write that is a transaction of its own, committed when this returns, without a
        BEGIN or COMMIT round trip (PostgreSQL in autocommit; SQLite's own statement-long
        transaction) — for a statement that needs nothing else to be atomic with it — and run
        on the driver's connection (driver_statement.py). Inside an open transaction it is part
        of that one. It waits for locks as long as the unit of work does on SQLite; on
        PostgreSQL, whose `SET LOCAL` needs a transaction, as long as the connection does
        (LOCK_TIMEOUT)."""
        if self.in_transaction():
            result = self.write(statement, params)
            return Ran([tuple(row) for row in rows_of(result)], result.rowcount)
        with lock_conflicts_are_transient(), self._alone() as connection:
            return compiled_for(statement, self.engine.dialect).run(self.engine, connection,
                                                                    params)

    def commit(self) -> None:
        if self.in_transaction():
            with lock_conflicts_are_transient():
                self._connection.commit()

    def rollback(self) -> None:
        if self.in_transaction():
            self._connection.rollback()

    def close(self) -> None:
        self._return_driver()
        if self._connection is not None:
            self.rollback()
            self._connection.close()
            self._connection = None

    def _return_driver(self) -> None:
        if self._driver is not None:
            driver, self._driver = self._driver, None
            autocommit_was, self._autocommit_was = self._autocommit_was, None
            try:
                if autocommit_was is not None and driver.is_valid:
                    driver.driver_connection.autocommit = autocommit_was
                if PING_AFTER in driver.info:  # idle since its last use, not since now: the
                    driver.info[USED_AT] = self._driver_used  # next checkout pings it if due
            except Exception as error:  # noqa: BLE001 - not idle (a statement cut short):
                driver.invalidate(error)  # never pooled again
            finally:
                driver.close()  # back to the pool (one a failure invalidated is not pooled again)

    # ------------------------------------------------------------------------------------
    @contextmanager
    def _alone(self) -> Iterator[sa.PoolProxiedConnection]:
        """A pooled connection on which each statement is committed by itself, kept for the
        next one until a transaction begins or this closes (one checkout, not one per
        statement): SQLite's driver is in autocommit already (engine.py) and waits for locks as
        long as this unit of work does; PostgreSQL's is put in autocommit while it is kept, and
        back as it was before it returns to the pool (engine.py's check-in turns it off too,
        should this never be closed). Kept across an outside call, it may idle long enough for
        the server to close it (a restart, an idle timeout): then it goes back to the pool and
        is taken out again, whose checkout pings a connection idle that long (its idling counted
        from its last use, `_return_driver`) and replaces one the server has closed."""
        if self._driver is not None and idle_too_long(self._driver, self._driver_used):
            self._return_driver()
        if self._driver is None:
            if self._connection is not None:  # idle between transactions: one at a time
                self._connection.close()
                self._connection = None
            with checkout_errors(self.engine):
                self._driver = self.engine.raw_connection()
            if self.dialect != "sqlite":
                driver = self._driver.driver_connection
                self._autocommit_was, driver.autocommit = driver.autocommit, True
        connection = self._driver
        try:
            if self.dialect == "sqlite":
                with driver_errors(self.engine, connection, "PRAGMA busy_timeout", None):
                    self._wait_for_locks(connection)
            yield connection
        finally:
            self._driver_used = time.monotonic()
            if not connection.is_valid:  # lost (driver_errors invalidated it): never used again
                self._return_driver()

    def _wait_for_locks(self, connection: sa.Connection | sa.PoolProxiedConnection) -> None:
        """SQLite: wait `lock_timeout` for the write lock (a setting the connection keeps)."""
        timeout_ms = int(self.lock_timeout * 1000)
        if connection.info.get(BUSY_TIMEOUT) != timeout_ms:
            pooled = connection.connection if isinstance(connection, sa.Connection) else connection
            pooled.driver_connection.execute(f"PRAGMA busy_timeout={timeout_ms}")
            connection.info[BUSY_TIMEOUT] = timeout_ms

    def untouched(self) -> bool:
        """No connection taken since it was made or closed."""
        return self._connection is None and self._driver is None

    def in_transaction(self) -> bool:
        """Whether a transaction is open: a write, a lock, or (PostgreSQL) a read not run alone
        began one."""
        return self._connection is not None and self._connection.in_transaction()

    def _open(self, write: bool) -> sa.Connection:
        if self.in_transaction():
            return self._connection
        return self._begin(write)

    def _begin(self, write: bool) -> sa.Connection:
        self._return_driver()  # one connection at a time: the pool may hand the same back
        if self._connection is None:
            self._connection = self.engine.connect()
        connection = self._connection
        timeout_ms = int(self.lock_timeout * 1000)
        if self.dialect == "sqlite":
            self._wait_for_locks(connection)
            connection.info[BEGIN_MODE] = "BEGIN IMMEDIATE" if write else None  # a lone read
        connection.begin()
        if self.dialect == "postgresql" and connection.info.get(SESSION_LOCK_TIMEOUT) != timeout_ms:
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {timeout_ms}")
        return connection
