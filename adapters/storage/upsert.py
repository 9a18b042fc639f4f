"""INSERT ... ON CONFLICT DO UPDATE, for the two databases we run on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def upsert(
    dialect: str,
    table: sa.Table,
    values: dict[str, Any],
    only_if: Callable[[Any], sa.ColumnElement[bool]] | None = None,
) -> sa.Executable:
    """Insert the row, or update its non-key columns when the primary key exists — and, given
    `only_if(excluded)`, only when that condition on the stored row and the new values (the
    `excluded` columns) holds: the check and the write are one statement, so no concurrent
    writer slips in between."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(**values)
    keys = [column.name for column in table.primary_key.columns]
    changes = {name: statement.excluded[name] for name in values if name not in keys}
    where = only_if(statement.excluded) if only_if is not None else None
    return statement.on_conflict_do_update(index_elements=keys, set_=changes, where=where)


def upsert_many(dialect: str, table: sa.Table, columns: list[str]) -> sa.Executable:
    """The same, for rows given to `Transaction.write(statement, rows)` (one executemany)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    keys = [column.name for column in table.primary_key.columns]
    changes = {name: statement.excluded[name] for name in columns if name not in keys}
    return statement.on_conflict_do_update(index_elements=keys, set_=changes)
