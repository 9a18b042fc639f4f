"""Per channel, with the write shapes: when the write test showed PayTraq keeps documents as
sent (a document created as predicted is then not read back), and PayTraq's tax keys with the
time they were read (shared by every worker).

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("paytraq_write_dialects") as batch:
        batch.add_column(sa.Column("writes_kept_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("tax_keys", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("tax_keys_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("paytraq_write_dialects") as batch:
        batch.drop_column("tax_keys_at")
        batch.drop_column("tax_keys")
        batch.drop_column("writes_kept_at")
