"""Throw-away databases for a bench run: a SQLite file in a temporary folder, and a PostgreSQL
database of its own (created, migrated, dropped) when the server is reachable. Counters of what
the service asks of them: commits, statements, reads of the channel tables."""

from __future__ import annotations

import os
import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

from adapters.storage.engine import make_engine
from adapters.storage.migrate import migrate

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL") or os.environ.get(
    "TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port),
                                      timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Database:
    kind: str  # sqlite | postgresql
    url: str
    engine: sa.Engine


@contextmanager
def database(kind: str, folder: Path | None = None) -> Iterator[Database]:
    """A migrated, empty database of `kind`; gone afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-", dir=folder) as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            engine = make_engine(url)
            migrate(engine)
            try:
                yield Database(kind, url, engine)
            finally:
                engine.dispose()
        return
    base = sa.make_url(POSTGRES_URL)
    name = f"sales_inbox_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = base.set(database=name)
    engine = make_engine(url)
    try:
        migrate(engine)
        yield Database(kind, url.render_as_string(hide_password=False), engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def kinds() -> list[str]:
    """SQLite always; PostgreSQL when its server answers."""
    return ["sqlite"] + (["postgresql"] if reachable(POSTGRES_URL, 5432) else [])


@dataclass
class StatementCounter:
    """Commits and statements on an engine, and how many read the channel or its keys. A
    write run alone on the driver's connection (storage/driver_statement.py) is a commit of
    its own; a read run so is not."""

    commits: int = 0
    statements: int = 0
    channel_reads: int = 0
    credential_reads: int = 0
    _engine: sa.Engine | None = field(default=None, repr=False)

    def attach(self, engine: sa.Engine) -> StatementCounter:
        self._engine = engine
        sa.event.listen(engine, "commit", self._commit)
        sa.event.listen(engine, "before_cursor_execute", self._statement)
        return self

    def detach(self) -> None:
        sa.event.remove(self._engine, "commit", self._commit)
        sa.event.remove(self._engine, "before_cursor_execute", self._statement)

    def snapshot(self) -> tuple[int, int, int, int]:
        return self.commits, self.statements, self.channel_reads, self.credential_reads

    def _commit(self, _connection) -> None:
        self.commits += 1

    def _statement(self, connection, _cursor, statement: str, *_args) -> None:
        self.statements += 1
        text = statement.lstrip().upper()
        if connection is None and not text.startswith("SELECT"):  # a write run alone
            self.commits += 1
        if text.startswith("SELECT") and "FROM CHANNELS" in text:
            self.channel_reads += 1
        if text.startswith("SELECT") and "FROM CHANNEL_CREDENTIALS" in text:
            self.credential_reads += 1
