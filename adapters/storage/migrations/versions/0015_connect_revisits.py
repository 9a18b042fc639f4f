"""When a PayTraq Connect order's document is next looked for (domain/connect_revisits.py): a
column written from the item's steps, and a partial index by channel and that time, so the
sweeper finds the few items due without reading the others. Items sent before this revision
are made due now (their first visit then sets the schedule from their steps).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

REVISITED = sa.text("revisit_at IS NOT NULL")  # as in adapters/storage/tables.py


def upgrade() -> None:
    with op.batch_alter_table("inbox_items") as batch:
        batch.add_column(sa.Column("revisit_at", sa.DateTime(timezone=True), nullable=True))
    items = sa.table("inbox_items", sa.column("status", sa.String),
                     sa.column("updated_at", sa.DateTime(timezone=True)),
                     sa.column("revisit_at", sa.DateTime(timezone=True)))
    op.get_bind().execute(items.update().where(items.c.status == "sent")
                          .values(revisit_at=items.c.updated_at))
    op.create_index("ix_inbox_items_revisit", "inbox_items", ["channel_id", "revisit_at"],
                    postgresql_where=REVISITED, sqlite_where=REVISITED)


def downgrade() -> None:
    op.drop_index("ix_inbox_items_revisit", table_name="inbox_items")
    with op.batch_alter_table("inbox_items") as batch:
        batch.drop_column("revisit_at")
