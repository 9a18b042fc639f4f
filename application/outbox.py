"""The webhook outbox: a delivery counts as handled only once it is on the workers' queue.

The web stores a body and queues it (application/handlers/accept_delivery.py) in one of two
ways, and what is committed means the same in both:
- one transaction (PostgreSQL): the body is inserted already marked queued (`queued_at`), the
  message is sent, then the transaction commits. A committed `queued_at` means the broker took
  the message; a broker error takes the mark back first, so the body is committed unqueued. If
  the commit itself fails, Mozello got no 200 and sends the body again, and the message already
  sent names a delivery that never appears: the worker, which may also simply be faster than
  the commit, waits for the storing transaction to end (DeliveryRepository.wait_for) and drops
  a delivery that was never stored.
- two short transactions (SQLite, whose one write lock must not be held over the broker call):
  the body is committed unqueued, sent, then marked queued. Unqueued here may mean "being sent
  right now" — for milliseconds, far under SWEEP_AFTER.

So the sweep needs no rule of its own: a committed first delivery still unqueued after
SWEEP_AFTER is one the broker never took (or whose mark a crash lost). Mozello's retry of the
same body finds it (a duplicate whose first was never queued queues that first), and the
scheduler's prompt sweep queues whatever is left — so no delivery waits for the 10-minute
catch-up poll. The sweep sends, then marks and commits: a crash in between sends it once more
on the next sweep, which the worker's idempotent receive absorbs. What it needs of the store is
part of the DeliveryRepository port (application/ports/storage.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import structlog

from application.ports import Clock, RawDelivery, UnitOfWork

logger = structlog.get_logger()

Enqueue = Callable[[str, str], None]  # (channel id, delivery id) -> on the workers' queue
SWEEP_AFTER = timedelta(seconds=15)  # a webhook request normally queues its body in milliseconds
SWEEP_BATCH = 500


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
    uow.deliveries.mark_queued(delivery.id, clock.now())
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
