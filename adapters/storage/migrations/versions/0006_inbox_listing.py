"""The inbox listing: a search column (order id, buyer, e-mail) and keyset indexes, so a page of
the inbox costs the same at 100,000 items as at 100.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _search_text(order_id: str, order) -> str:
    """As application.inbox_listing.search_text, from the stored JSON (written out here: a
    migration must not import code that changes later)."""
    if isinstance(order, str):
        order = json.loads(order)
    customer = (order or {}).get("customer") or {}
    parts = [order_id] + [str(customer.get(k) or "") for k in ("name", "company", "email")]
    return " ".join(" ".join(parts).lower().split())


def upgrade() -> None:
    op.add_column("inbox_items", sa.Column("search_text", sa.Text(), server_default="",
                                           nullable=False))
    items = sa.table("inbox_items", sa.column("id", sa.Integer), sa.column("order_id", sa.String),
                     sa.column("order", sa.JSON), sa.column("search_text", sa.Text))
    connection = op.get_bind()
    rows = connection.execute(sa.select(items.c.id, items.c.order_id, items.c.order)).all()
    for row in rows:
        connection.execute(items.update().where(items.c.id == row.id)
                           .values(search_text=_search_text(row.order_id, row.order)))
    op.create_index("ix_inbox_items_listing", "inbox_items",
                    ["received_at", "channel_id", "order_id"])
    op.create_index("ix_inbox_items_channel_listing", "inbox_items",
                    ["channel_id", "received_at", "order_id"])
    op.create_index("ix_inbox_items_status_listing", "inbox_items",
                    ["status", "received_at", "channel_id", "order_id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_items_status_listing", table_name="inbox_items")
    op.drop_index("ix_inbox_items_channel_listing", table_name="inbox_items")
    op.drop_index("ix_inbox_items_listing", table_name="inbox_items")
    op.drop_column("inbox_items", "search_text")
