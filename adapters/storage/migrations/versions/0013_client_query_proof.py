"""Per channel, with the write shapes: what `channel check` showed PayTraq's `clients?query=`
matches (registration number, VAT number, e-mail), so a new buyer costs one client search where
that is proven (issue 14).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("paytraq_write_dialects") as batch:
        batch.add_column(sa.Column("client_query", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("client_query_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("paytraq_write_dialects") as batch:
        batch.drop_column("client_query_at")
        batch.drop_column("client_query")
