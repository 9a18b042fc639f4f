"""Webhook deliveries: drop the plain (channel, fingerprint) index. Every query by fingerprint
asks for the first delivery, which the unique partial index of first deliveries (0010) answers
— and that index is what `INSERT … ON CONFLICT` checks — so the plain one was only a further
write on every webhook.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_raw_deliveries_channel_fingerprint", table_name="raw_deliveries")


def downgrade() -> None:
    op.create_index("ix_raw_deliveries_channel_fingerprint", "raw_deliveries",
                    ["channel_id", "fingerprint"])
