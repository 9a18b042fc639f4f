"""Three storage backends behind one fixture: in-memory, SQLite (a temporary file) and PostgreSQL
(a database of its own for this test session, dropped at the end)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from adapters.storage.crypto import SecretBox
from adapters.storage.engine import make_engine
from adapters.storage.migrate import migrate
from adapters.storage.tables import metadata
from adapters.storage.uow import SqlAlchemyUnitOfWork
from application.ports import UnitOfWork
from tests.services import require_postgres


@dataclass
class Backend:
    name: str
    new_uow: Callable[..., UnitOfWork]
    engine: sa.Engine | None = None  # None: in memory


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[sa.Engine]:
    url = sa.make_url(require_postgres())
    name = f"sales_inbox_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(url.set(database=name))
    migrate(engine)
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _empty(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


def _sql_backend(name: str, engine: sa.Engine) -> Backend:
    box = SecretBox(SecretBox.generate_key())

    def new_uow(lock_timeout: float = 10.0) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(engine, box, lock_timeout=lock_timeout)

    return Backend(name, new_uow, engine)


def _backend(kind: str, request: pytest.FixtureRequest, tmp_path) -> Iterator[Backend]:
    if kind == "memory":
        store = MemoryStore()
        yield Backend("memory", lambda lock_timeout=10.0: InMemoryUnitOfWork(store))
    elif kind == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'sales-inbox.sqlite3'}")
        migrate(engine)
        yield _sql_backend("sqlite", engine)
        engine.dispose()
    else:
        engine = request.getfixturevalue("postgres_engine")
        _empty(engine)
        yield _sql_backend("postgresql", engine)
        _empty(engine)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path) -> Iterator[Backend]:
    """Every implementation of the storage ports."""
    yield from _backend(request.param, request, tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Backend]:
    """The real databases: they store bytes, encrypt credentials and lock rows."""
    yield from _backend(request.param, request, tmp_path)
