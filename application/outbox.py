"""The webhook outbox: a stored delivery reaches the workers' queue, whatever fails in between.

The web commits every body first (application/handlers/accept_delivery.py), then hands the
delivery to an outbox, which sends it and records `queued_at`. Committing first means a message
always names a stored delivery, and no transaction ever waits on the broker. Two outboxes:
- `SendNow` sends in the request and reports a refusal: the web answers 503, Mozello retries,
  and the retry (a duplicate whose first was never queued) queues that first delivery. The demo
  uses it, and tests that look at the queue right after a request.
- the web process's relay (entrypoints/web/relay.py) takes the delivery off the request and
  sends what has gathered in one message, recorded by one UPDATE: under a burst of webhooks,
  sending costs a message per batch rather than per webhook, and a request never waits on
  Redis. A body it could not send (the broker down, the process killed) is stored unqueued.

Either way, the scheduler's prompt sweep (`queue_unqueued`) queues a first delivery still
unqueued after SWEEP_AFTER — so no delivery waits for the 10-minute catch-up poll. Every sender
sends, then marks and commits: a crash in between sends it once more later, which the worker's
idempotent receive absorbs. What it needs of the store is part of the DeliveryRepository port
(application/ports/storage.py)."""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from datetime import timedelta

import structlog

from application.ports import Clock, RawDelivery, UnitOfWork

logger = structlog.get_logger()

Enqueue = Callable[[str, str], None]  # (channel id, delivery id) -> on the workers' queue
# [(channel id, delivery id), ...] -> on the workers' queue, as one message
EnqueueMany = Callable[[Sequence[tuple[str, str]]], None]
SWEEP_AFTER = timedelta(seconds=15)  # a webhook's body is normally queued within milliseconds
SWEEP_BATCH = 500


class DeliveryOutbox(abc.ABC):
    """Where the web hands a committed delivery that is owed to the workers."""

    @abc.abstractmethod
    def send(self, uow: UnitOfWork, delivery: RawDelivery) -> bool:
        """False when it could not be sent now (it stays stored, unqueued, for a retry)."""


class SendNow(DeliveryOutbox):
    """Send in the request: a broker error is reported, and the body stays unqueued."""

    def __init__(self, enqueue: Enqueue, clock: Clock):
        self.enqueue, self.clock = enqueue, clock

    def send(self, uow: UnitOfWork, delivery: RawDelivery) -> bool:
        try:
            queue(uow, delivery, self.enqueue, self.clock)
        except Exception as error:  # the broker is down: kept, unqueued, for the retry
            not_queued([delivery.id], error)
            return False
        return True


def to_queue(uow: UnitOfWork, stored: RawDelivery) -> RawDelivery | None:
    """What a stored delivery leaves to queue: itself, or — for a repeat of a body whose first
    delivery never reached the queue — that first delivery; None when nothing is owed."""
    if stored.error is not None:
        return None
    if not stored.duplicate:
        return stored
    first = uow.deliveries.first_of(stored.channel_id, stored.fingerprint)
    return first if first is not None and first.queued_at is None else None


def queue(uow: UnitOfWork, delivery: RawDelivery, enqueue: Enqueue, clock: Clock) -> None:
    """Put a committed delivery on the queue, then record that it is there. An error from the
    broker propagates: the delivery stays unqueued for the retry or the sweep."""
    enqueue(delivery.channel_id, delivery.id)
    uow.deliveries.mark_queued([delivery.id], clock.now())
    uow.commit()


def queue_together(uow: UnitOfWork, owed: Sequence[tuple[str, str]], enqueue_many: EnqueueMany,
                   clock: Clock) -> None:
    """Put committed deliveries on the queue as one message, then record it by one UPDATE."""
    enqueue_many(owed)
    uow.deliveries.mark_queued([delivery_id for _, delivery_id in owed], clock.now())
    uow.commit()


def queue_unqueued(uow_factory: Callable[[], UnitOfWork], enqueue: Enqueue, clock: Clock) -> int:
    """The scheduler's sweep: queue every delivery left unqueued for more than SWEEP_AFTER."""
    with uow_factory() as uow:
        waiting = uow.deliveries.unqueued(clock.now() - SWEEP_AFTER, SWEEP_BATCH)
        for delivery in waiting:
            queue(uow, delivery, enqueue, clock)
    if waiting:
        logger.info("deliveries_requeued", deliveries=len(waiting))
    return len(waiting)


def not_queued(delivery_ids: Sequence[str], error: Exception) -> None:
    logger.error("webhook_not_queued", delivery_ids=list(delivery_ids), error=str(error),
                 kind=type(error).__name__)
