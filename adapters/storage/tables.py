"""The database schema, as SQLAlchemy Core tables. Migrations must produce exactly this.

Over 250 lines on purpose: one table definition after another, kept in one file so the schema
is read (and compared with the migrations) in one place."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.storage.column_types import DecimalText, UtcDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = sa.String(64)

channels = sa.Table(
    "channels",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

channel_credentials = sa.Table(
    "channel_credentials",
    metadata,
    sa.Column("channel_id", ID, sa.ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("encrypted", sa.LargeBinary, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

inbox_items = sa.Table(
    "inbox_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("channel_id", ID, sa.ForeignKey("channels.id"), nullable=False),
    sa.Column("order_id", ID, nullable=False),
    sa.Column("status", sa.String(32), nullable=False, index=True),
    sa.Column("order", sa.JSON, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime),
    sa.Column("document", sa.JSON),
    sa.Column("document_created_at", UtcDateTime),
    sa.Column("finalised_at", UtcDateTime),
    sa.Column("payment", sa.JSON),
    sa.Column("emailed_at", UtcDateTime),
    sa.Column("emailed_to", sa.String(320), nullable=False),
    sa.Column("cancelled_at", UtcDateTime),
    sa.Column("reasons", sa.JSON, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("error_transient", sa.Boolean, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("paytraq_calls", sa.Integer, nullable=False, server_default="0"),
    sa.Column("shop_total", DecimalText),
    sa.Column("paytraq_total", DecimalText),
    sa.Column("steps", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("search_text", sa.Text, nullable=False, server_default=""),
    # when a PayTraq Connect order's document is next looked for (domain/connect_revisits.py),
    # written from the item's steps; NULL for every item not looked for
    sa.Column("revisit_at", UtcDateTime),
    sa.UniqueConstraint("channel_id", "order_id", name="uq_inbox_items_channel_order"),
    # the inbox listing: newest first, keyset-paged, by channel and/or status
    sa.Index("ix_inbox_items_listing", "received_at", "channel_id", "order_id"),
    sa.Index("ix_inbox_items_channel_listing", "channel_id", "received_at", "order_id"),
    sa.Index("ix_inbox_items_status_listing", "status", "received_at", "channel_id", "order_id"),
    # /metrics counts by (channel, status) from this index alone; the sweeper finds a channel's
    # items half-way through by status and last step
    sa.Index("ix_inbox_items_channel_status", "channel_id", "status", "updated_at"),
)

REVISITED = sa.text("revisit_at IS NOT NULL")  # word for word in 0015
sa.Index("ix_inbox_items_revisit", inbox_items.c.channel_id, inbox_items.c.revisit_at,
         postgresql_where=REVISITED, sqlite_where=REVISITED)

raw_deliveries = sa.Table(
    "raw_deliveries",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("channel_id", ID, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("event", sa.String(100), nullable=False),
    sa.Column("order_id", ID),
    sa.Column("fingerprint", sa.String(128), nullable=False),
    sa.Column("headers", sa.JSON, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("duplicate", sa.Boolean, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("queued_at", UtcDateTime),
    sa.Index("ix_raw_deliveries_received_at", "received_at"),  # retention
    sa.Index("ix_raw_deliveries_order", "channel_id", "order_id", "received_at"),
    sa.Index("ix_raw_deliveries_channel_received", "channel_id", "received_at"),
)
# duplicates are found by this unique index, not by check-then-insert: of several deliveries of
# one body, exactly one is the first (the one processed); the outbox sweep finds unqueued ones
FIRST_DELIVERY = sa.text("duplicate = false AND error IS NULL")  # word for word in 0010
sa.Index("uq_raw_deliveries_first", raw_deliveries.c.channel_id, raw_deliveries.c.fingerprint,
         unique=True, postgresql_where=FIRST_DELIVERY, sqlite_where=FIRST_DELIVERY)
UNQUEUED = sa.text("queued_at IS NULL")
sa.Index("ix_raw_deliveries_unqueued", raw_deliveries.c.received_at,
         postgresql_where=UNQUEUED, sqlite_where=UNQUEUED)

client_cache = sa.Table(
    "client_cache",
    metadata,
    sa.Column("channel_id", ID, primary_key=True),
    sa.Column("match_key", sa.String(500), primary_key=True),
    sa.Column("client_id", ID, nullable=False),
)

sku_cache = sa.Table(
    "sku_cache",
    metadata,
    sa.Column("channel_id", ID, primary_key=True),
    sa.Column("sku", sa.String(200), primary_key=True),
    sa.Column("item_id", ID, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

watermarks = sa.Table(
    "watermarks",
    metadata,
    sa.Column("channel_id", ID, primary_key=True),
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("value", UtcDateTime, nullable=False),
)

stock_sync_runs = sa.Table(
    "stock_sync_runs",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("channel_id", ID, sa.ForeignKey("channels.id"), nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("dry_run", sa.Boolean, nullable=False),
    sa.Column("summary", sa.JSON, nullable=False),
    sa.Column("error", sa.Text),
    sa.Index("ix_stock_sync_runs_channel_started", "channel_id", "started_at"),
)

stock_sync_results = sa.Table(
    "stock_sync_results",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "run_id", ID, sa.ForeignKey("stock_sync_runs.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("sku", sa.String(200), nullable=False),
    sa.Column("target", sa.String(200), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("old_stock", sa.Integer),
    sa.Column("new_stock", sa.Integer),
    sa.Column("old_price", DecimalText),
    sa.Column("new_price", DecimalText),
    sa.Column("message", sa.Text, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("channel_id", ID),
    sa.Column("api", sa.String(32), nullable=False),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("status", sa.Integer),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("order_id", ID),
    sa.Index("ix_audit_log_channel_at", "channel_id", "at"),
    sa.Index("ix_audit_log_at", "at"),  # retention
    sa.Index("ix_audit_log_order", "channel_id", "order_id"),
)

# the wire trace of a call made for an order (AuditEntry.bodies); pruned sooner than the log
audit_bodies = sa.Table(
    "audit_bodies",
    metadata,
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audit_log.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("query", sa.Text),
    sa.Column("request_type", sa.String(120)),
    sa.Column("request_body", sa.Text),
    sa.Column("response_type", sa.String(120)),
    sa.Column("response_body", sa.Text),
    sa.Index("ix_audit_bodies_at", "at"),  # retention
)

sales_cache = sa.Table(
    "sales_cache",
    metadata,
    sa.Column("channel_id", ID, primary_key=True),
    sa.Column("document_id", ID, primary_key=True),
    sa.Column("updated", sa.String(64)),
    sa.Column("warehouse_id", ID),
    sa.Column("lines", sa.JSON, nullable=False),
)

locks = sa.Table(
    "locks",
    metadata,
    sa.Column("name", ID, primary_key=True),
    sa.Column("holder", ID, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
)

catalogue_mirror = sa.Table(
    "catalogue_mirror",
    metadata,
    sa.Column("channel_id", ID, primary_key=True),
    sa.Column("handle", sa.String(200), primary_key=True),
    sa.Column("sku", sa.String(200), nullable=False),
    sa.Column("stock", sa.Integer),
    sa.Column("modified_at", sa.String(32), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
)

sent_mail = sa.Table(
    "sent_mail",
    metadata,
    sa.Column("channel_id", ID, primary_key=True),
    sa.Column("document_id", ID, primary_key=True),
    sa.Column("message_id", sa.String(300), nullable=False),
    sa.Column("order_id", ID, nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=False),
)

paytraq_write_dialects = sa.Table(
    "paytraq_write_dialects",
    metadata,
    sa.Column("channel_id", ID, primary_key=True),
    sa.Column("sale_root", sa.String(32)),
    sa.Column("payment_form", sa.String(32)),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("writes_kept_at", UtcDateTime),
    sa.Column("tax_keys", sa.JSON),
    sa.Column("tax_keys_at", UtcDateTime),
    sa.Column("client_query", sa.JSON),
    sa.Column("client_query_at", UtcDateTime),
    sa.Column("sales_query_at", UtcDateTime),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_at", UtcDateTime, nullable=False),
    sa.Column("locked_until", UtcDateTime),
)

person_actions = sa.Table(
    "person_actions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("user", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("channel_id", ID),
    sa.Column("order_id", ID),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Index("ix_person_actions_order", "channel_id", "order_id", "at"),
    sa.Index("ix_person_actions_at", "at"),
)
