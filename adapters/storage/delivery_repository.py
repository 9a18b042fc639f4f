"""Webhook bodies exactly as received; a fingerprint seen before in the channel is a duplicate."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from adapters.storage.column_types import UtcDateTime
from adapters.storage.tables import raw_deliveries
from adapters.storage.transaction import Transaction
from application.ports import POLL_EVENT, DeliveryRepository, RawDelivery


class SqlDeliveryRepository(DeliveryRepository):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def add(self, delivery: RawDelivery) -> RawDelivery:
        seen = sa.select(raw_deliveries.c.id).where(
            raw_deliveries.c.channel_id == delivery.channel_id,
            raw_deliveries.c.fingerprint == delivery.fingerprint,
            raw_deliveries.c.error.is_(None),
        )
        delivery.duplicate = delivery.error is None and bool(
            self._tx.read(seen.limit(1), lock=True)
        )
        delivery.id = delivery.id or uuid.uuid4().hex
        self._tx.write(
            sa.insert(raw_deliveries).values(
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
            )
        )
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
    )
