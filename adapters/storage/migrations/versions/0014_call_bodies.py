"""The bodies of the calls made for an order (the wire trace `inbox trace` shows), beside the
audit log and pruned sooner than it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_bodies",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),  # UtcDateTime
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("request_type", sa.String(120), nullable=True),
        sa.Column("request_body", sa.Text(), nullable=True),
        sa.Column("response_type", sa.String(120), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["audit_id"], ["audit_log.id"], ondelete="CASCADE",
                                name="fk_audit_bodies_audit_id_audit_log"),
        sa.PrimaryKeyConstraint("audit_id", name="pk_audit_bodies"),
    )
    op.create_index("ix_audit_bodies_at", "audit_bodies", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_bodies_at", table_name="audit_bodies")
    op.drop_table("audit_bodies")
