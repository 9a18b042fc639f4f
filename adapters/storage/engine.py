"""The database engine: SQLite (embedded, the default) or PostgreSQL through psycopg 3."""

from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url

DEFAULT_URL = "sqlite:///var/sales-inbox.sqlite3"
BEGIN_MODE = "sales_inbox.begin"  # Connection.info key: "BEGIN IMMEDIATE" for the write lock,
# None for no BEGIN (one read statement)
LOCK_TIMEOUT = 10.0  # seconds a unit of work waits for a lock, unless it asks otherwise
PING_AFTER_IDLE = 5.0  # seconds a pooled PostgreSQL connection may idle before it is pinged
LAST_USED = "sales_inbox.last_used"  # the pool record's info: when the connection was checked in
PING_AFTER = "sales_inbox.ping_after_idle"  # the pool record's info: its engine's ping_after_idle
USED_AT = "sales_inbox.used_at"  # the pool record's info: when a connection kept checked out
# (Transaction) was last used; its check-in counts its idling from then, not from the check-in
SESSION_LOCK_TIMEOUT = "sales_inbox.lock_timeout_ms"  # Connection.info: PostgreSQL's session
# lock_timeout, set when the connection is made; a transaction wanting another sets its own


def database_url(url: str | URL | None = None) -> URL:
    """The URL given (entrypoints/config.py reads SALES_INBOX_DATABASE_URL), else the SQLite
    file var/sales-inbox.sqlite3. `postgresql://` and `postgres://` mean psycopg 3."""
    parsed = make_url(url or DEFAULT_URL)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL | None = None, *, busy_timeout: float = 15.0, echo: bool = False,
                ping_after_idle: float = PING_AFTER_IDLE, durable: bool = True) -> sa.Engine:
    """An engine for the URL (see database_url). SQLite: WAL, foreign keys on, `busy_timeout`
    seconds of waiting for a lock; the parent folder of the file is made when missing.

    `durable`: SQLite's commit is on disk when it returns (`synchronous=FULL`: the WAL is
    synced), as PostgreSQL's is. A worker's commit before a PayTraq write is what says, after
    a power cut or a crash of the machine, that the write was attempted; with `NORMAL` the
    commits of the last seconds could vanish and the write be made again. The web process
    passes False (`NORMAL`, its intake stays fast: a sync costs milliseconds on many disks):
    nothing outside happens on its commits alone — a webhook's body is made durable by the
    worker's durable commit of its order, one WAL holding both, before any PayTraq write; a
    power cut in the moment between can lose the body of a webhook just answered, whose order
    the catch-up poll finds. PostgreSQL's commits are durable either way."""
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, busy_timeout, echo, durable)
    return _postgresql_engine(parsed, echo, ping_after_idle)


def _postgresql_engine(url: URL, echo: bool, ping_after_idle: float) -> sa.Engine:
    """Each connection waits `LOCK_TIMEOUT` for a lock from the start (a session setting, made
    once per connection rather than a `SET LOCAL` per transaction). A pooled connection idle
    for `ping_after_idle` seconds is pinged before use and replaced when PostgreSQL has closed
    it (a restart, an idle timeout); one used moments ago is trusted — a ping per checkout would
    be a further round trip on every webhook, and a connection lost within those seconds fails
    one use, which SQLAlchemy answers by renewing the pool."""
    engine = sa.create_engine(url, echo=echo, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record) -> None:  # noqa: ANN001
        timeout_ms = int(LOCK_TIMEOUT * 1000)
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True  # a session setting no rollback can undo
        dbapi_connection.execute(f"SET lock_timeout = {timeout_ms}")
        dbapi_connection.autocommit = autocommit
        record.info[SESSION_LOCK_TIMEOUT] = timeout_ms
        record.info[PING_AFTER] = ping_after_idle  # for a connection kept checked out (Transaction)

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection, record) -> None:  # noqa: ANN001
        record.info[LAST_USED] = record.info.pop(USED_AT, None) or time.monotonic()
        if dbapi_connection is not None and dbapi_connection.autocommit:
            # a connection kept for statements alone (Transaction) that was never given back
            # properly must not lend its autocommit to the next unit of work's transaction
            try:
                dbapi_connection.autocommit = False
            except Exception as error:  # noqa: BLE001 - a broken one is never pooled again
                record.invalidate(error)

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, proxy) -> None:  # noqa: ANN001
        last_used = record.info.get(LAST_USED)
        if last_used is None or time.monotonic() - last_used < ping_after_idle:
            return  # new, or used moments ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise sa.exc.DisconnectionError("the pooled connection was closed") from error
            raise

    return engine


def idle_too_long(connection: sa.PoolProxiedConnection, used_at: float) -> bool:
    """Whether `connection`, last used at `used_at` (time.monotonic()) and kept checked out
    since, has idled past its engine's `ping_after_idle` (PostgreSQL's; SQLite's never does):
    the pool pings only at checkout, so its keeper hands such a one back to be checked out."""
    ping_after = connection.info.get(PING_AFTER)
    return ping_after is not None and time.monotonic() - used_at > ping_after


def _sqlite_engine(url: URL, busy_timeout: float, echo: bool, durable: bool) -> sa.Engine:
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
        cursor.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        mode = connection.info.pop(BEGIN_MODE, "BEGIN")
        if mode:  # None: a single read statement, SQLite's own statement-long transaction
            connection.exec_driver_sql(mode)

    return engine
