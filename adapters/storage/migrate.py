"""Bring the database schema to the newest revision; the service calls this on every start."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from adapters.storage.engine import BEGIN_MODE, make_engine

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK = 7_402_113_301  # any constant: one migrator at a time across processes


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine_or_url: sa.Engine | str | None = None) -> None:
    """`alembic upgrade head`, under a lock so processes starting together take turns."""
    engine = engine_or_url if isinstance(engine_or_url, sa.Engine) else make_engine(engine_or_url)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.info[BEGIN_MODE] = "BEGIN IMMEDIATE"
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            command.upgrade(alembic_config(connection), "head")
    if engine is not engine_or_url:
        engine.dispose()


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
