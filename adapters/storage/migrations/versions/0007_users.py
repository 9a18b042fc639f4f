"""The console's people: users (a KDF hash, never the password), failed logins (lock-out per
user and per client address), and every action a person takes; indexes for an order's webhook
deliveries and a channel's newest ones.

Revision ID: 0007
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0010"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=True)  # UtcDateTime in tables.py


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_users"),
    )
    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", INSTANT, nullable=False),
        sa.Column("locked_until", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_login_failures"),
    )
    op.create_table(
        "person_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=True),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_person_actions"),
    )
    op.create_index("ix_person_actions_order", "person_actions", ["channel_id", "order_id", "at"])
    op.create_index("ix_person_actions_at", "person_actions", ["at"])
    # the order page's deliveries and the dashboard's last webhook, at any number of orders
    op.create_index("ix_raw_deliveries_order", "raw_deliveries",
                    ["channel_id", "order_id", "received_at"])
    op.create_index("ix_raw_deliveries_channel_received", "raw_deliveries",
                    ["channel_id", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_raw_deliveries_channel_received", table_name="raw_deliveries")
    op.drop_index("ix_raw_deliveries_order", table_name="raw_deliveries")
    op.drop_index("ix_person_actions_at", table_name="person_actions")
    op.drop_index("ix_person_actions_order", table_name="person_actions")
    for table in ("person_actions", "login_failures", "users"):
        op.drop_table(table)
