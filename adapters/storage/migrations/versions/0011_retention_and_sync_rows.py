"""Retention: indexes on the times by which raw deliveries and the audit log are pruned, so the
daily prune reads only what it removes; /metrics' counts by (channel, status) answered from an
index, not the items' rows, which also finds the sweeper's items half-way through by channel,
status and last step.

Revision ID: 0011
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_raw_deliveries_received_at", "raw_deliveries", ["received_at"])
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_inbox_items_channel_status", "inbox_items",
                    ["channel_id", "status", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_items_channel_status", table_name="inbox_items")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_index("ix_raw_deliveries_received_at", table_name="raw_deliveries")
