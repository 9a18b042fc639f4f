"""Webhook bodies exactly as received. The first delivery of a body in a channel is found by a
unique index (two racing requests cannot both be first); later ones are stored as duplicates.
Each delivery records when it reached the workers' queue (application/outbox.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from adapters.storage.column_types import UtcDateTime
from adapters.storage.tables import FIRST_DELIVERY, raw_deliveries
from adapters.storage.transaction import Transaction
from application.ports import POLL_EVENT, DeliveryRepository, RawDelivery


class SqlDeliveryRepository(DeliveryRepository):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def add(self, delivery: RawDelivery) -> RawDelivery:
        delivery.id = delivery.id or uuid.uuid4().hex
        delivery.duplicate = False
        if delivery.error is None:
            insert = postgresql.insert if self._tx.dialect == "postgresql" else sqlite.insert
            first = insert(raw_deliveries).values(**_row(delivery)).on_conflict_do_nothing(
                index_elements=["channel_id", "fingerprint"], index_where=FIRST_DELIVERY,
            ).returning(raw_deliveries.c.id)
            if self._tx.write(first).first() is not None:
                return delivery
            delivery.duplicate = True
        self._tx.write(sa.insert(raw_deliveries).values(**_row(delivery)))
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

    def mark_queued(self, delivery_id: str, at: datetime) -> None:
        self._tx.write(sa.update(raw_deliveries).where(raw_deliveries.c.id == delivery_id)
                       .values(queued_at=at))

    def unqueued(self, received_before: datetime, limit: int) -> list[RawDelivery]:
        statement = (
            sa.select(raw_deliveries)
            .where(raw_deliveries.c.queued_at.is_(None), FIRST_DELIVERY,
                   raw_deliveries.c.received_at < sa.literal(received_before, UtcDateTime))
            .order_by(raw_deliveries.c.received_at)
            .limit(limit)
        )
        return [_delivery(row) for row in self._tx.read(statement)]


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
