"""Webhook bodies exactly as received. The first delivery of a body in a channel is found by a
unique index (two racing requests cannot both be first); later ones are stored as duplicates.
Each delivery records when it reached the workers' queue (application/outbox.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from adapters.storage.column_types import UtcDateTime
from adapters.storage.tables import FIRST_DELIVERY, raw_deliveries
from adapters.storage.transaction import Transaction, rows_of
from application.ports import POLL_EVENT, DeliveryRepository, RawDelivery


def _first_insert(dialect: str) -> sa.Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(raw_deliveries).on_conflict_do_nothing(
        index_elements=["channel_id", "fingerprint"], index_where=FIRST_DELIVERY,
    ).returning(raw_deliveries.c.id)


# built once: a statement SQLAlchemy has compiled and cached is not built again per webhook
_FIRST = {dialect: _first_insert(dialect) for dialect in ("postgresql", "sqlite")}
_ANOTHER = sa.insert(raw_deliveries)
_PLACEHOLDER = {dialect: (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
    raw_deliveries).on_conflict_do_nothing().returning(raw_deliveries.c.id)
    for dialect in ("postgresql", "sqlite")}
_MARK_QUEUED = (sa.update(raw_deliveries)
                .where(raw_deliveries.c.id.in_(sa.bindparam("ids", expanding=True)))
                .values(queued_at=sa.bindparam("at", type_=UtcDateTime)))


class SqlDeliveryRepository(DeliveryRepository):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def add(self, delivery: RawDelivery) -> RawDelivery:
        """Part of the unit of work's transaction."""
        return self._store(delivery, lambda statement, row: rows_of(
            self._tx.write(statement, row)))

    def keep(self, delivery: RawDelivery) -> RawDelivery:
        """A transaction of its own (a webhook's: Transaction.write_alone)."""
        return self._store(delivery, lambda statement, row: self._tx.write_alone(
            statement, row).rows)

    def _store(self, delivery: RawDelivery, write) -> RawDelivery:
        """One statement for a first delivery: INSERT … ON CONFLICT DO NOTHING on the unique
        index of first deliveries; a duplicate (nothing inserted) is then kept as such."""
        delivery.id = delivery.id or uuid.uuid4().hex
        delivery.duplicate = False
        if delivery.error is None:
            if write(_FIRST[self._tx.dialect], _row(delivery)):
                return delivery
            delivery.duplicate = True
            delivery.queued_at = None  # a duplicate is never queued itself
        write(_ANOTHER, _row(delivery))
        return delivery

    def prune(self, received_before: datetime, limit: int) -> int:
        oldest = (sa.select(raw_deliveries.c.id)
                  .where(raw_deliveries.c.received_at < sa.literal(received_before, UtcDateTime))
                  .limit(limit))
        return self._tx.write(sa.delete(raw_deliveries).where(raw_deliveries.c.id.in_(oldest))).rowcount

    def list(self, channel_id: str) -> list[RawDelivery]:
        statement = (
            sa.select(raw_deliveries)
            .where(raw_deliveries.c.channel_id == channel_id)
            .order_by(raw_deliveries.c.received_at, raw_deliveries.c.id)
        )
        return [_delivery(row) for row in self._tx.read(statement)]

    def last_webhook_at(self, channel_id: str) -> datetime | None:
        statement = sa.select(sa.func.max(raw_deliveries.c.received_at).label("at")).where(
            raw_deliveries.c.channel_id == channel_id, raw_deliveries.c.event != POLL_EVENT,
            raw_deliveries.c.error.is_(None))
        rows = self._tx.read(statement)
        return rows[0]["at"] if rows else None  # max() keeps the column's type: UTC-aware

    def get(self, delivery_id: str) -> RawDelivery | None:
        rows = self._tx.read(sa.select(raw_deliveries).where(raw_deliveries.c.id == delivery_id))
        return _delivery(rows[0]) if rows else None

    def wait_for(self, delivery_id: str) -> RawDelivery | None:
        """Not there yet: insert a placeholder under the same id. That waits for a transaction
        still inserting the id (PostgreSQL checks the primary key against it; SQLite waits for
        its write lock), then either conflicts — the delivery was committed — or goes in — it
        never will be. The placeholder is never committed: leave the unit of work without
        commit() (the worker only reads here)."""
        found = self.get(delivery_id)
        if found is not None:
            return found
        if self._tx.write(_PLACEHOLDER[self._tx.dialect], _placeholder(delivery_id)).first():
            return None
        return self.get(delivery_id)

    def for_order(self, channel_id: str, order_id: str, limit: int = 50) -> list[RawDelivery]:
        statement = (
            sa.select(raw_deliveries)
            .where(raw_deliveries.c.channel_id == channel_id,
                   raw_deliveries.c.order_id == order_id)
            .order_by(raw_deliveries.c.received_at.desc(), raw_deliveries.c.id.desc())
            .limit(limit)
        )
        return [_delivery(row) for row in reversed(self._tx.read(statement))]

    def recent(self, channel_id: str, limit: int = 20) -> list[RawDelivery]:
        statement = (
            sa.select(raw_deliveries)
            .where(raw_deliveries.c.channel_id == channel_id)
            .order_by(raw_deliveries.c.received_at.desc(), raw_deliveries.c.id.desc())
            .limit(limit)
        )
        return [_delivery(row) for row in self._tx.read(statement)]

    # --- the outbox ----------------------------------------------------------------------
    def first_of(self, channel_id: str, fingerprint: str) -> RawDelivery | None:
        rows = self._tx.read(sa.select(raw_deliveries).where(
            raw_deliveries.c.channel_id == channel_id,
            raw_deliveries.c.fingerprint == fingerprint, FIRST_DELIVERY))
        return _delivery(rows[0]) if rows else None

    def mark_queued(self, delivery_ids: Sequence[str], at: datetime) -> None:
        if delivery_ids:
            self._tx.write(_MARK_QUEUED, {"ids": list(delivery_ids), "at": at})

    def refuse(self, delivery_id: str, error: str) -> None:
        self._tx.write(sa.update(raw_deliveries).where(raw_deliveries.c.id == delivery_id)
                       .values(error=error))

    def unqueued(self, received_before: datetime, limit: int) -> list[RawDelivery]:
        statement = (
            sa.select(raw_deliveries)
            .where(raw_deliveries.c.queued_at.is_(None), FIRST_DELIVERY,
                   raw_deliveries.c.received_at < sa.literal(received_before, UtcDateTime))
            .order_by(raw_deliveries.c.received_at)
            .limit(limit)
        )
        return [_delivery(row) for row in self._tx.read(statement)]


def _placeholder(delivery_id: str) -> dict:
    """A row no reader takes for a delivery (an error, no channel), only ever rolled back."""
    return dict(id=delivery_id, channel_id="", received_at=datetime.now(UTC), event="",
                order_id=None, fingerprint="", headers={}, body=b"", duplicate=False,
                error="placeholder: waiting for the transaction storing this delivery",
                queued_at=None)


def _row(delivery: RawDelivery) -> dict:
    return dict(
        id=delivery.id,
        channel_id=delivery.channel_id,
        received_at=delivery.received_at,
        event=delivery.event,
        order_id=delivery.order_id,
        fingerprint=delivery.fingerprint,
        headers=dict(delivery.headers),
        body=bytes(delivery.body),
        duplicate=delivery.duplicate,
        error=delivery.error,
        queued_at=delivery.queued_at,
    )


def _delivery(row) -> RawDelivery:
    return RawDelivery(
        channel_id=row["channel_id"],
        body=bytes(row["body"]),
        headers=dict(row["headers"]),
        received_at=row["received_at"],
        fingerprint=row["fingerprint"],
        event=row["event"],
        order_id=row["order_id"],
        id=row["id"],
        duplicate=row["duplicate"],
        error=row["error"],
        queued_at=row["queued_at"],
    )
