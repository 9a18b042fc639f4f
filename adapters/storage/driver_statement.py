"""A statement compiled once per dialect and run on the DB-API connection itself.

For the statements the hot paths make alone — a webhook's body kept, a step an order's worker
records, the order lock taken and released (`Transaction.write_alone`) — SQLAlchemy's
execution (a Connection and its events, the compiled-cache lookup, an execution context, a
result object) costs more CPU than the statement itself. Here the statement is compiled once,
by SQLAlchemy (its SQL text and bind order are the dialect's own), the values go through the
bind processors its columns' types define (UTC instants, JSON, binary), and a driver error comes
out as the SQLAlchemy exception it would have been (`sa.exc.DBAPIError.instance`), so callers
tell a lock conflict or a unique violation apart as they always did.

A SELECT's rows come back as mappings keyed as SQLAlchemy's `RowMapping` would key them, each
value through the result processor its column's type defines for this driver (UTC instants,
JSON, booleans, decimals), as SQLAlchemy's result would hand it out.

Only for a statement given every value it binds: column defaults are applied by SQLAlchemy's
execution, which this skips. A value its column's type refuses (a naive datetime for a UTC
column) raises that type's own error (ValueError, TypeError): a fault of the caller, which no
retry mends — SQLAlchemy would have wrapped it in a StatementError."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True, slots=True)
class Ran:
    rows: list[tuple]  # what it returned (RETURNING), as tuples
    rowcount: int  # rows it wrote


_KNOWN = "sales_inbox_driver_statements"  # on the dialect: its statements, gone with it
MAX_KNOWN = 256  # statements kept compiled per dialect; the hot paths have a dozen


def compiled_for(statement: sa.Executable, dialect: sa.Dialect) -> DriverStatement:
    """`statement` (one built once per process: it is the key) compiled for `dialect` once.
    Each engine has a dialect of its own, whose settings shape the SQL; the compiled statements
    live as long as it does. A statement built afresh for each use would only fill the cache:
    past MAX_KNOWN, statements are compiled for their one use and not kept."""
    known = vars(dialect).setdefault(_KNOWN, {})
    compiled = known.get(statement)
    if compiled is None:
        compiled = DriverStatement(statement, dialect)
        if len(known) < MAX_KNOWN:
            known[statement] = compiled
    return compiled


class DriverStatement:
    """`statement` compiled for `dialect` (an INSERT without values binds every column)."""

    def __init__(self, statement: sa.Executable, dialect: sa.Dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql, self._compiled, self._dialect = compiled.string, compiled, dialect
        self._columns = list(compiled._result_columns)  # what a SELECT or RETURNING returns
        self._keys = [column.keyname for column in self._columns]
        self._keys_clash = len(set(self._keys)) != len(self._keys)
        self._readers: list[Callable[[Any], Any] | None] | None = None  # at the first run
        self._order = list(compiled.positiontup) if compiled.positional else None
        self._processors = {
            name: processor for name, bind in compiled.binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }

    def parameters(self, values: dict[str, Any]) -> Sequence[Any] | dict[str, Any]:
        """The values as the driver takes them: processed, and in order for a positional
        dialect (SQLite's `?`), by name otherwise (psycopg's `%(name)s`)."""
        params = self._compiled.construct_params(values)
        for name, process in self._processors.items():
            params[name] = process(params[name])
        return [params[name] for name in self._order] if self._order is not None else params

    def run(self, engine: sa.Engine, connection: sa.PoolProxiedConnection,
            values: dict[str, Any]) -> Ran:
        """Executed on `connection`, one of `engine`'s (the caller commits, or the driver is in
        autocommit). The engine's cursor events see it as they see every statement (what the
        tests and the bench count), without a Connection."""
        return self._executed(engine, connection, values, lambda cursor: Ran(
            cursor.fetchall() if self._columns else [], cursor.rowcount))

    def mappings(self, engine: sa.Engine, connection: sa.PoolProxiedConnection,
                 values: dict[str, Any]) -> list[dict[str, Any]]:
        """A SELECT executed as `run` executes a statement: its rows, each a mapping keyed
        as SQLAlchemy's RowMapping, its values processed as SQLAlchemy's result does."""
        if self._keys_clash:
            raise ValueError(f"two result columns share a name in {self.sql!r}")
        return self._executed(engine, connection, values, self._rows)

    def _rows(self, cursor: Any) -> list[dict[str, Any]]:
        rows, keys = cursor.fetchall(), self._keys
        readers = self._readers
        if readers is None:
            readers = self._readers = self._readers_for(cursor.description)
        if not any(readers):
            return [dict(zip(keys, row, strict=True)) for row in rows]
        return [{key: value if read is None else read(value)
                 for key, read, value in zip(keys, readers, row, strict=True)} for row in rows]

    def _readers_for(self, description: Sequence[Sequence[Any]]
                     ) -> list[Callable[[Any], Any] | None]:
        """Each column's result processor, as SQLAlchemy finds it for the driver's type code
        (psycopg's type OID; SQLite's is none). Found at the statement's first run: the same
        statement's columns have the same types every time, and psycopg builds a cursor's
        description afresh each time it is asked for (a sixth of a small read's CPU)."""
        return [column.type._cached_result_processor(self._dialect, described[1])
                for column, described in zip(self._columns, description, strict=True)]

    def _executed(self, engine: sa.Engine, connection: sa.PoolProxiedConnection,
                  values: dict[str, Any], consume: Callable[[Any], Any]) -> Any:
        params = self.parameters(values)
        events = engine.dispatch
        with driver_errors(engine, connection, self.sql, params):
            cursor = connection.cursor()
            try:
                if events.before_cursor_execute:
                    events.before_cursor_execute(None, cursor, self.sql, params, None, False)
                cursor.execute(self.sql, params)
                if events.after_cursor_execute:
                    events.after_cursor_execute(None, cursor, self.sql, params, None, False)
                return consume(cursor)
            finally:
                cursor.close()


@contextmanager
def checkout_errors(engine: sa.Engine) -> Iterator[None]:
    """A driver's error while a connection is checked out of the pool (made, or pinged),
    raised as SQLAlchemy's, as `Engine.connect()` raises it: a database that cannot be reached
    is an OperationalError to every caller, whichever way it takes its connection."""
    dialect = engine.dialect
    try:
        yield
    except dialect.loaded_dbapi.Error as error:
        raise _as_sqlalchemys(dialect, error, None, None,
                              dialect.is_disconnect(error, None, None)) from error


@contextmanager
def driver_errors(engine: sa.Engine, connection: sa.PoolProxiedConnection, sql: str,
                  params: Any) -> Iterator[None]:
    """A driver's error raised as SQLAlchemy's (OperationalError, IntegrityError, …), its
    parameters hidden as the engines hide them. A disconnect is handled as SQLAlchemy's own
    Connection handles one (`Connection._handle_dbapi_exception`): this connection is dropped
    and every pooled connection older than the failure is replaced before its next use — after
    a database restart, one use fails, not one per pooled connection."""
    dialect = engine.dialect
    dbapi = dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as error:
        disconnected = dialect.is_disconnect(error, connection.dbapi_connection, None)
        if disconnected:
            engine.pool._invalidate(connection, error)
        raise _as_sqlalchemys(dialect, error, sql, params, disconnected) from error


def _as_sqlalchemys(dialect: sa.Dialect, error: Exception, sql: str | None, params: Any,
                    disconnected: bool) -> sa.exc.DBAPIError:
    """The SQLAlchemy exception for a driver's `error`, its parameters hidden."""
    return sa.exc.DBAPIError.instance(sql, params, error, dialect.loaded_dbapi.Error,
                                      hide_parameters=True, connection_invalidated=disconnected,
                                      dialect=dialect)
