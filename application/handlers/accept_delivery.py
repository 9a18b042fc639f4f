"""A webhook arrives: verify its signature, keep the raw delivery, and hand it to the workers
unless the same delivery came before. Nothing is lost: a refused body leaves its trace too, and
a signed body is kept whatever it holds (an unreadable one with its error).

A delivery counts as handled only once it is on the workers' queue (application/outbox.py):
when queueing fails the outcome is NOT_QUEUED (the web answers 503, so Mozello retries), and the
retry — or the scheduler's outbox sweep — queues the stored body."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import structlog

from application.errors import UnreadableDelivery
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
        if uow.channels.get(cmd.channel_id) is None:
            return Acceptance(Outcome.UNKNOWN_CHANNEL)
        api_key = uow.channels.credentials(cmd.channel_id).mozello_api_key
        delivery, outcome = _read(cmd, reader, api_key, clock)
        stored = uow.deliveries.add(delivery)
        uow.commit()
        if outcome is not Outcome.ACCEPTED:
            logger.warning("webhook_refused", outcome=outcome.value, error=stored.error)
            return Acceptance(outcome, stored)
        structlog.contextvars.bind_contextvars(order_id=stored.order_id)
        owed = to_queue(uow, stored)  # itself, or the first delivery of a body never queued
        if owed is not None:
            try:
                queue(uow, owed, enqueue, clock)
            except Exception as error:  # the broker is down: kept, unqueued, for the retry
                logger.error("webhook_not_queued", delivery_id=owed.id, error=str(error),
                             kind=type(error).__name__)
                return Acceptance(Outcome.NOT_QUEUED, stored)
    logger.info("webhook_received", mozello_event=stored.event, duplicate=stored.duplicate,
                delivery_id=stored.id, queued=owed.id if owed else None)
    return Acceptance(Outcome.DUPLICATE if stored.duplicate else Outcome.ACCEPTED, stored)


def _read(cmd: AcceptDelivery, reader: WebhookReader, api_key: str,
          clock: Clock) -> tuple[RawDelivery, Outcome]:
    body = cmd.body
    if not reader.is_signed(body, cmd.headers, api_key):
        # an unsigned body is anybody's: only its trace is kept, never its content
        return RawDelivery(
            cmd.channel_id, b"", cmd.headers, clock.now(), fingerprint="",
            error=f"missing or bad {reader.signature_header} signature ({len(body)} bytes, sha256 "
                  f"{hashlib.sha256(body).hexdigest()[:16]}…, not kept)",
        ), Outcome.UNSIGNED
    delivery = RawDelivery(cmd.channel_id, body, cmd.headers, clock.now(),
                           fingerprint=reader.fingerprint(cmd.channel_id, body))
    try:
        heading = reader.heading(body)
    except UnreadableDelivery as unreadable:
        delivery.error = str(unreadable)
        return delivery, Outcome.UNREADABLE
    except Exception as error:  # whatever the body holds, it is kept and refused
        delivery.error = f"unreadable notification ({type(error).__name__})"
        return delivery, Outcome.UNREADABLE
    delivery.event, delivery.order_id = heading.event, heading.order_id
    return delivery, Outcome.ACCEPTED
