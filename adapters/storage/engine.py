"""The database engine: SQLite (embedded, the default) or PostgreSQL through psycopg 3."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url

DEFAULT_URL = "sqlite:///var/sales-inbox.sqlite3"
BEGIN_MODE = "sales_inbox.begin"  # Connection.info key: "BEGIN IMMEDIATE" for the write lock,
# None for no BEGIN (one read statement)
LOCK_TIMEOUT = 10.0  # seconds a unit of work waits for a lock, unless it asks otherwise
SESSION_LOCK_TIMEOUT = "sales_inbox.lock_timeout_ms"  # Connection.info: PostgreSQL's session
# lock_timeout, set when the connection is made; a transaction wanting another sets its own


def database_url(url: str | URL | None = None) -> URL:
    """The URL given (entrypoints/config.py reads SALES_INBOX_DATABASE_URL), else the SQLite
    file var/sales-inbox.sqlite3. `postgresql://` and `postgres://` mean psycopg 3."""
    parsed = make_url(url or DEFAULT_URL)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL | None = None, *, busy_timeout: float = 15.0, echo: bool = False) -> sa.Engine:
    """An engine for the URL (see database_url). SQLite: WAL, foreign keys on, `busy_timeout`
    seconds of waiting for a lock; the parent folder of the file is made when missing."""
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, busy_timeout, echo)
    return _postgresql_engine(parsed, echo)


def _postgresql_engine(url: URL, echo: bool) -> sa.Engine:
    """Each connection waits `LOCK_TIMEOUT` for a lock from the start (a session setting, made
    once per connection rather than a `SET LOCAL` per transaction)."""
    engine = sa.create_engine(url, pool_pre_ping=True, echo=echo, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record) -> None:  # noqa: ANN001
        timeout_ms = int(LOCK_TIMEOUT * 1000)
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True  # a session setting no rollback can undo
        dbapi_connection.execute(f"SET lock_timeout = {timeout_ms}")
        dbapi_connection.autocommit = autocommit
        record.info[SESSION_LOCK_TIMEOUT] = timeout_ms

    return engine


def _sqlite_engine(url: URL, busy_timeout: float, echo: bool) -> sa.Engine:
    if not url.database or url.database == ":memory:":
        raise ValueError("Sales Inbox needs a SQLite file, shared by its processes; not :memory:")
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        echo=echo,
        hide_parameters=True,  # order data (names, e-mails) stays out of logs and error texts
        connect_args={"timeout": busy_timeout, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        mode = connection.info.pop(BEGIN_MODE, "BEGIN")
        if mode:  # None: a single read statement, SQLite's own statement-long transaction
            connection.exec_driver_sql(mode)

    return engine
