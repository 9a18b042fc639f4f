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


def _synchronous(engine) -> int:
    with engine.connect() as connection:
        level = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    engine.dispose()
    return level


def test_sqlite_commits_are_on_disk_when_they_return_unless_the_web_process_asks(
        tmp_path, monkeypatch):
    # A worker's commit before a PayTraq write must survive a power cut (else the write is
    # made again): SQLite syncs its WAL at each commit (synchronous=FULL, 2)
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert _synchronous(make_engine(url)) == 2
    # the web process's commits are made durable by the worker's next one (NORMAL, 1)
    assert _synchronous(make_engine(url, durable=False)) == 1

    # and that is what each process is given: the web app's storage, a worker's
    from entrypoints.bootstrap import start_process
    from entrypoints.config import load_config
    from entrypoints.distributed import wsgi_app

    monkeypatch.setenv("SALES_INBOX_DATABASE_URL", url)
    monkeypatch.setenv("SALES_INBOX_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("SALES_INBOX_SECRET_KEY", "")
    monkeypatch.delenv("SALES_INBOX_REDIS_URL", raising=False)
    from entrypoints.runtime import set_runtime

    try:
        web = wsgi_app().extensions["sales_inbox"].runtime
        assert _synchronous(web.uow_factory().engine) == 1
        worker = start_process(load_config(), configure_log=False).runtime
        assert _synchronous(worker.uow_factory().engine) == 2
    finally:
        set_runtime(None)
