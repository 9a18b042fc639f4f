"""The Mozello catalogue as product webhooks describe it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_mirror",
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("handle", sa.String(length=200), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("modified_at", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", "handle", name=op.f("pk_catalogue_mirror")),
    )


def downgrade() -> None:
    op.drop_table("catalogue_mirror")
