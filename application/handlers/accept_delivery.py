"""A webhook arrives: verify its signature, keep the raw delivery, and hand it to the workers
unless the same delivery came before. Nothing is lost: a refused body leaves its trace too, and
a signed body is kept whatever it holds (an unreadable one with its error).

It is cheap because it does only what the answer depends on: the channel's key comes from a
short per-process cache (a signature that fails against it is checked once more against a fresh
read, so a key changed by another process never refuses a good webhook); the body is decoded once
for its fingerprint, event and order id (the full parse is the worker's); and one INSERT … ON
CONFLICT DO NOTHING keeps it, a transaction of its own (no BEGIN or COMMIT round trips).

The body is committed before anything is sent (application/outbox.py): a message then always
names a stored delivery, and the store is never held while the broker is waited on. The outbox
it is handed to says whether it could be sent; when it could not, the outcome is NOT_QUEUED (the
web answers 503, so Mozello retries), and the retry — or the scheduler's outbox sweep — queues
it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

import structlog

from application.outbox import DeliveryOutbox, to_queue
from application.ports import Clock, RawDelivery, UnitOfWork, WebhookReader

logger = structlog.get_logger()


@dataclass(frozen=True)
class AcceptDelivery:
    """A webhook request to the channel's address, its body exactly as received."""

    channel_id: str
    body: bytes
    headers: dict[str, str]


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # kept, and not handed to the workers again
    UNKNOWN_CHANNEL = "unknown_channel"
    UNSIGNED = "unsigned"  # missing or wrong signature: only a trace of it is kept
    UNREADABLE = "unreadable"  # signed, but not a notification we can read
    NOT_QUEUED = "not_queued"  # kept, but the workers' queue refused it: ask for a retry


@dataclass(frozen=True)
class Acceptance:
    outcome: Outcome
    delivery: RawDelivery | None = None

    @property
    def error(self) -> str:
        return (self.delivery.error if self.delivery else None) or ""


def accept_delivery(cmd: AcceptDelivery, uow: UnitOfWork, reader: WebhookReader, clock: Clock,
                    outbox: DeliveryOutbox) -> Acceptance:
    with uow:
        signed = _signed(cmd, uow, reader)
        if signed is None:
            return Acceptance(Outcome.UNKNOWN_CHANNEL)
        delivery, outcome = _read(cmd, reader, signed, clock)
        stored = uow.deliveries.keep(delivery)
        uow.commit()  # SQL storage kept the body by a statement of its own; other stores need this
        if outcome is not Outcome.ACCEPTED:
            logger.warning("webhook_refused", outcome=outcome.value, error=stored.error)
            return Acceptance(outcome, stored)
        structlog.contextvars.bind_contextvars(order_id=stored.order_id)
        owed = to_queue(uow, stored)  # itself, or the first delivery of a body never queued
        if owed is not None and not outbox.send(uow, owed):
            return Acceptance(Outcome.NOT_QUEUED, stored)  # kept, unqueued: for the retry
    logger.info("webhook_received", mozello_event=stored.event, duplicate=stored.duplicate,
                delivery_id=stored.id, queued=owed.id if owed else None)
    return Acceptance(Outcome.DUPLICATE if stored.duplicate else Outcome.ACCEPTED, stored)


def _signed(cmd: AcceptDelivery, uow: UnitOfWork, reader: WebhookReader) -> bool | None:
    """Whether the body carries the channel's signature; None for an unknown channel. A key
    from the cache that refuses it is read again once: it may have changed elsewhere."""
    key = uow.channels.webhook_key(cmd.channel_id)
    if key is None:
        return None
    if reader.is_signed(cmd.body, cmd.headers, key):
        return True
    fresh = uow.channels.webhook_key(cmd.channel_id, fresh=True)
    if fresh is None:
        return None
    return fresh != key and reader.is_signed(cmd.body, cmd.headers, fresh)


def _read(cmd: AcceptDelivery, reader: WebhookReader, signed: bool,
          clock: Clock) -> tuple[RawDelivery, Outcome]:
    body, now = cmd.body, clock.now()
    if not signed:
        # an unsigned body is anybody's: only its trace is kept, never its content
        return RawDelivery(
            cmd.channel_id, b"", cmd.headers, now, fingerprint="",
            error=f"missing or bad {reader.signature_header} signature ({len(body)} bytes, sha256 "
                  f"{hashlib.sha256(body).hexdigest()[:16]}…, not kept)",
        ), Outcome.UNSIGNED
    reading = reader.read(cmd.channel_id, body)
    delivery = RawDelivery(cmd.channel_id, body, cmd.headers, now, reading.fingerprint)
    if reading.heading is None:
        delivery.error = reading.error
        return delivery, Outcome.UNREADABLE
    delivery.event, delivery.order_id = reading.heading.event, reading.heading.order_id
    return delivery, Outcome.ACCEPTED
