"""A webhook arrives: verify its signature, keep the raw delivery, and hand it to the workers
unless the same delivery came before. Nothing is lost: a refused body leaves its trace too, and
a signed body is kept whatever it holds (an unreadable one with its error).

It is cheap because it does only what the answer depends on: the channel's key comes from a
short per-process cache (a signature that fails against it is checked once more against a fresh
read, so a key changed by another process never refuses a good webhook); the body is decoded once
for its fingerprint, event and order id (the full parse is the worker's); and one INSERT … ON
CONFLICT DO NOTHING keeps it.

A delivery counts as handled only once it is on the workers' queue (application/outbox.py). On
PostgreSQL that is one transaction: the row is inserted already marked queued, the message is
sent, and only then is the transaction committed — a committed `queued_at` always means the
broker took the message; a broker error takes the mark back before the commit. On SQLite, whose
one write lock would be held over the broker call (every other writer waiting on Redis), the
body is committed first, then sent and marked in a second short transaction. Either way, when
queueing fails the body is committed unqueued and the outcome is NOT_QUEUED (the web answers
503, so Mozello retries), and the retry — or the scheduler's outbox sweep — queues it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import structlog

from application.outbox import queue, to_queue
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
                    enqueue: Callable[[str, str], None]) -> Acceptance:
    with uow:
        signed = _signed(cmd, uow, reader)
        if signed is None:
            return Acceptance(Outcome.UNKNOWN_CHANNEL)
        delivery, outcome = _read(cmd, reader, signed, clock)
        one_transaction = outcome is Outcome.ACCEPTED and not uow.locks_whole_store
        if one_transaction:
            delivery.queued_at = delivery.received_at  # committed only once the broker has it
        stored = uow.deliveries.add(delivery)
        if outcome is not Outcome.ACCEPTED:
            uow.commit()
            logger.warning("webhook_refused", outcome=outcome.value, error=stored.error)
            return Acceptance(outcome, stored)
        structlog.contextvars.bind_contextvars(order_id=stored.order_id)
        owed = to_queue(uow, stored)  # itself, or the first delivery of a body never queued
        if one_transaction:
            queued = owed is None or _enqueued(uow, owed, stored, enqueue, clock)
            uow.commit()  # the body, queued or — the broker refused — unqueued
        else:
            uow.commit()  # the body first: the broker is not waited on holding the store
            queued = owed is None or _queued_after(uow, owed, enqueue, clock)
        if not queued:  # kept, unqueued: for Mozello's retry or the outbox sweep
            return Acceptance(Outcome.NOT_QUEUED, stored)
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


def _enqueued(uow: UnitOfWork, owed: RawDelivery, stored: RawDelivery,
              enqueue: Callable[[str, str], None], clock: Clock) -> bool:
    """In the transaction, before its commit: send `owed` (the new row was inserted marked
    queued already; an earlier one is marked here). A broker error takes the mark back."""
    try:
        enqueue(owed.channel_id, owed.id)
    except Exception as error:  # the broker is down: kept, unqueued, for the retry
        _not_queued(owed, error)
        if owed is stored:
            uow.deliveries.unmark_queued(owed.id)
        return False
    if owed is not stored:
        uow.deliveries.mark_queued(owed.id, clock.now())
    return True


def _queued_after(uow: UnitOfWork, owed: RawDelivery, enqueue: Callable[[str, str], None],
                  clock: Clock) -> bool:
    """After the commit: send `owed`, then mark it queued in a transaction of its own."""
    try:
        queue(uow, owed, enqueue, clock)
    except Exception as error:  # the broker is down: kept, unqueued, for the retry
        _not_queued(owed, error)
        return False
    return True


def _not_queued(owed: RawDelivery, error: Exception) -> None:
    logger.error("webhook_not_queued", delivery_id=owed.id, error=str(error),
                 kind=type(error).__name__)


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
