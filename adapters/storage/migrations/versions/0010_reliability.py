"""Reliability: the webhook outbox (`queued_at`), duplicates by a unique index.

Rows stored before this revision count as queued (they were handled when they arrived); earlier
races that stored one body twice as "first" keep the earliest as first.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FIRST = "duplicate = false AND error IS NULL"


def upgrade() -> None:
    op.add_column("raw_deliveries", sa.Column("queued_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE raw_deliveries SET queued_at = received_at")
    op.execute(
        "UPDATE raw_deliveries SET duplicate = true WHERE duplicate = false AND error IS NULL "
        "AND EXISTS (SELECT 1 FROM raw_deliveries AS earlier WHERE earlier.channel_id = "
        "raw_deliveries.channel_id AND earlier.fingerprint = raw_deliveries.fingerprint AND "
        "earlier.duplicate = false AND earlier.error IS NULL AND (earlier.received_at < "
        "raw_deliveries.received_at OR (earlier.received_at = raw_deliveries.received_at AND "
        "earlier.id < raw_deliveries.id)))"
    )
    op.create_index("uq_raw_deliveries_first", "raw_deliveries", ["channel_id", "fingerprint"],
                    unique=True, postgresql_where=sa.text(FIRST), sqlite_where=sa.text(FIRST))
    op.create_index("ix_raw_deliveries_unqueued", "raw_deliveries", ["received_at"],
                    postgresql_where=sa.text("queued_at IS NULL"),
                    sqlite_where=sa.text("queued_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_raw_deliveries_unqueued", table_name="raw_deliveries")
    op.drop_index("uq_raw_deliveries_first", table_name="raw_deliveries")
    op.drop_column("raw_deliveries", "queued_at")
