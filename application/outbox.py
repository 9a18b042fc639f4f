"""The webhook outbox: a delivery counts as handled only once it is on the workers' queue.

One transaction per webhook (application/handlers/accept_delivery.py): the body is inserted
already marked queued (`queued_at`), the message is sent to the broker, and only then is the
transaction committed. So what is committed is always true:
- committed with `queued_at`: the broker took the message before the commit;
- committed without it: the broker refused (the mark was taken back before the commit; the web
  answered 503);
- not committed at all (the commit failed, the process died): Mozello got no 200 and sends the
  body again. A message the broker already took then names a delivery that never appears; the
  worker waits for the storing transaction to end and drops it (DeliveryRepository.wait_for).
The message may reach a worker before the commit: the worker waits for it (wait_for) rather
than reading a row that is not there yet.

The sweep therefore needs no new rule: every committed first delivery without `queued_at` is
one the broker never took. Mozello's retry of the same body finds it (a duplicate whose first
was never queued queues that first, and marks it in the same transaction), and the scheduler's
prompt sweep queues whatever is still unqueued after SWEEP_AFTER — so no delivery waits for the
10-minute catch-up poll. The sweep sends, then marks and commits: a crash in between sends it
once more on the next sweep, which the worker's idempotent receive absorbs. What it needs of the
store is part of the DeliveryRepository port (application/ports/storage.py)."""

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
    """The sweep's: put a stored delivery on the queue, then record that it is there. An error
    from the broker propagates: the delivery stays unqueued for the retry or the next sweep."""
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
