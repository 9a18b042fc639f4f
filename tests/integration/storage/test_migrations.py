"""The Alembic migrations build exactly the schema tables.py describes, and re-running is harmless."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from adapters.storage.engine import make_engine
from adapters.storage.migrate import current_revision, head_revision, migrate
from adapters.storage.tables import metadata
from application.ports import ChannelCredentials
from domain.settings import Channel

pytestmark = pytest.mark.integration


def test_the_migrated_schema_matches_the_tables_exactly(database):
    # Given a database migrated to head
    # When alembic compares it with the tables' metadata
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    # Then there is no difference
    assert differences == []


def test_migrating_again_changes_nothing_and_keeps_the_data(database):
    # Given a migrated database with a channel in it
    with database.new_uow() as uow:
        uow.channels.add(Channel("shop-a", "A"), ChannelCredentials())
        uow.commit()
    # When migrate() runs again (as on every start)
    migrate(database.engine)
    # Then the revision is still head and the data is still there
    assert current_revision(database.engine) == head_revision() is not None
    with database.new_uow() as uow:
        assert uow.channels.get("shop-a") == Channel("shop-a", "A")


def test_migrate_accepts_a_url_and_creates_the_sqlite_folder(tmp_path):
    # Given a SQLite URL in a folder that does not exist yet
    url = f"sqlite:///{tmp_path / 'var' / 'inbox.sqlite3'}"
    # When migrate() is given the URL twice
    migrate(url)
    migrate(url)
    # Then the file exists and is at head
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    assert "inbox_items" in sa.inspect(engine).get_table_names()
    engine.dispose()
