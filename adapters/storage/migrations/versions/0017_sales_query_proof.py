"""Per channel, with the write shapes: when `channel check` last showed that `sales?query=`
finds a sale by its DocumentRef (DECISIONS R4: unconfirmed by the public evidence). Where shown,
a miss there after a lost answer to `POST sale` is conclusive: one call, no listing by date.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("paytraq_write_dialects") as batch:
        batch.add_column(sa.Column("sales_query_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("paytraq_write_dialects") as batch:
        batch.drop_column("sales_query_at")
