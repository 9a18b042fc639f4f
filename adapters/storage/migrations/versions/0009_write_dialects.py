"""The shape of PayTraq's writes that worked for each channel (DECISIONS R1, R2), and the order
each outside call was made for (`inbox trace ORDER_ID`).

Revision ID: 0009
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paytraq_write_dialects",
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("sale_root", sa.String(length=32), nullable=True),
        sa.Column("payment_form", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_paytraq_write_dialects")),
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("order_id", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_log_order", "audit_log", ["channel_id", "order_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_order", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("order_id")
    op.drop_table("paytraq_write_dialects")
