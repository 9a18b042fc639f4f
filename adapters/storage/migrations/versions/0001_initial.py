"""Initial schema: channels, credentials, inbox, deliveries, caches, stock sync runs, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-27

Written from `alembic revision --autogenerate` against adapters/storage/tables.py, then tidied.
Plain SQLAlchemy types on purpose: a migration must not change when the application's code does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(length=64)
INSTANT = sa.DateTime(timezone=True)  # UtcDateTime in tables.py
DECIMAL_TEXT = sa.String(length=50)  # DecimalText in tables.py


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_channels"),
    )
    op.create_table(
        "channel_credentials",
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"],
            name="fk_channel_credentials_channel_id_channels", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel_id", name="pk_channel_credentials"),
    )
    op.create_table(
        "inbox_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("order", sa.JSON(), nullable=False),
        sa.Column("received_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=True),
        sa.Column("document", sa.JSON(), nullable=True),
        sa.Column("document_created_at", INSTANT, nullable=True),
        sa.Column("finalised_at", INSTANT, nullable=True),
        sa.Column("payment", sa.JSON(), nullable=True),
        sa.Column("emailed_at", INSTANT, nullable=True),
        sa.Column("emailed_to", sa.String(length=320), nullable=False),
        sa.Column("cancelled_at", INSTANT, nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_transient", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("shop_total", DECIMAL_TEXT, nullable=True),
        sa.Column("paytraq_total", DECIMAL_TEXT, nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name="fk_inbox_items_channel_id_channels"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_items"),
        sa.UniqueConstraint("channel_id", "order_id", name="uq_inbox_items_channel_order"),
    )
    op.create_index("ix_inbox_items_status", "inbox_items", ["status"])
    op.create_table(
        "raw_deliveries",
        sa.Column("id", ID, nullable=False),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("received_at", INSTANT, nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("order_id", ID, nullable=True),
        sa.Column("fingerprint", sa.String(length=128), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("duplicate", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_raw_deliveries"),
    )
    op.create_index(
        "ix_raw_deliveries_channel_fingerprint", "raw_deliveries", ["channel_id", "fingerprint"]
    )
    op.create_table(
        "client_cache",
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("match_key", sa.String(length=500), nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.PrimaryKeyConstraint("channel_id", "match_key", name="pk_client_cache"),
    )
    op.create_table(
        "sku_cache",
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("channel_id", "sku", name="pk_sku_cache"),
    )
    op.create_table(
        "watermarks",
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("channel_id", "name", name="pk_watermarks"),
    )
    op.create_table(
        "stock_sync_runs",
        sa.Column("id", ID, nullable=False),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("started_at", INSTANT, nullable=False),
        sa.Column("finished_at", INSTANT, nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name="fk_stock_sync_runs_channel_id_channels"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stock_sync_runs"),
    )
    op.create_index(
        "ix_stock_sync_runs_channel_started", "stock_sync_runs", ["channel_id", "started_at"]
    )
    op.create_table(
        "stock_sync_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("old_stock", sa.Integer(), nullable=True),
        sa.Column("new_stock", sa.Integer(), nullable=True),
        sa.Column("old_price", DECIMAL_TEXT, nullable=True),
        sa.Column("new_price", DECIMAL_TEXT, nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["stock_sync_runs.id"],
            name="fk_stock_sync_results_run_id_stock_sync_runs", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stock_sync_results"),
    )
    op.create_index("ix_stock_sync_results_run_id", "stock_sync_results", ["run_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("channel_id", ID, nullable=True),
        sa.Column("api", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_channel_at", "audit_log", ["channel_id", "at"])
    op.create_table(
        "sales_cache",
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("document_id", ID, nullable=False),
        sa.Column("updated", sa.String(length=64), nullable=True),
        sa.Column("warehouse_id", ID, nullable=True),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", "document_id", name="pk_sales_cache"),
    )


def downgrade() -> None:
    for table in (
        "sales_cache", "audit_log", "stock_sync_results", "stock_sync_runs", "watermarks",
        "sku_cache", "client_cache", "raw_deliveries", "inbox_items", "channel_credentials",
        "channels",
    ):
        op.drop_table(table)
