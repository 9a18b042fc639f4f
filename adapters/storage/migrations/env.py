"""Alembic environment: runs on the connection migrate() hands over (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context

from adapters.storage.engine import make_engine
from adapters.storage.tables import metadata

connection = context.config.attributes.get("connection")


def _run(conn) -> None:  # noqa: ANN001
    context.configure(
        connection=conn,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=conn.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; use migrate()")
if connection is not None:
    _run(connection)
else:  # the alembic command line: SALES_INBOX_DATABASE_URL or the default SQLite file
    engine = make_engine()
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
