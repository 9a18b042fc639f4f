"""The engine's defaults: where the database is, and how SQLite is set up."""

from __future__ import annotations

import pytest

from adapters.storage.engine import database_url, make_engine

pytestmark = pytest.mark.integration


def test_without_configuration_the_database_is_a_sqlite_file_under_var(monkeypatch):
    monkeypatch.setenv("SALES_INBOX_DATABASE_URL", "postgresql://u@db/ignored")  # not read here
    assert database_url().render_as_string() == "sqlite:///var/sales-inbox.sqlite3"


def test_a_plain_postgresql_url_means_psycopg_3():
    assert database_url("postgresql://u@db/inbox").drivername == "postgresql+psycopg"


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(tmp_path):
    # Given an engine on a SQLite file in a folder not made yet
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'x.sqlite3'}", busy_timeout=2.5)
    # When a connection asks SQLite for its settings
    with engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
        busy = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    engine.dispose()
    # Then WAL, foreign keys and the busy timeout are on
    assert (journal, foreign_keys, busy) == ("wal", 1, 2500)
    assert (tmp_path / "var").is_dir()
