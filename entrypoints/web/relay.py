"""The web process's outbox relay: a webhook's request ends once its body is committed, and a
thread of the process sends it to the workers.

What has gathered since the thread's last turn goes as one message, recorded queued by one
UPDATE (application/outbox.py): a woken relay lets a burst gather for LINGER (50 ms, nothing
to an order's way through the service), so a burst costs a message and a commit per batch
rather than per webhook, and a request never waits on Redis. A batch the broker refuses
is left stored and unqueued — the scheduler's prompt sweep queues it (and so are deliveries a
killed process never sent). A process that stops sends what it still holds first."""

from __future__ import annotations

import atexit
import threading
import time
from collections import deque
from collections.abc import Callable

import structlog

from application.outbox import DeliveryOutbox, EnqueueMany, not_queued, queue_together
from application.ports import Clock, RawDelivery, UnitOfWork

logger = structlog.get_logger()

BATCH = 200  # deliveries in one message at most
LINGER = 0.05  # seconds a woken relay lets a burst gather before it sends


class DeliveryRelay(DeliveryOutbox):
    def __init__(self, uow_factory: Callable[[], UnitOfWork], enqueue_many: EnqueueMany,
                 clock: Clock):
        self.uow_factory, self.enqueue_many, self.clock = uow_factory, enqueue_many, clock
        self._owed: deque[tuple[str, str]] = deque()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._started, self._sending = threading.Lock(), threading.Lock()

    def send(self, uow: UnitOfWork, delivery: RawDelivery) -> bool:
        """Taken: the thread sends it (a refusal leaves it to the sweep, not to Mozello)."""
        self._owed.append((delivery.channel_id, delivery.id))
        self._start()
        self._wake.set()
        return True

    def flush(self) -> int:
        """Send what is owed now, a batch at a time (not what arrives meanwhile: that gathers
        for the next turn); how many deliveries were sent."""
        sent, left = 0, len(self._owed)
        while left > 0:
            with self._sending:  # a batch is taken and sent whole, so drain() can wait for it
                batch, taken = self._take(min(left, BATCH))
                if not taken:
                    break
                left -= taken
                sent += self._send(batch)
        return sent

    def drain(self) -> None:
        """Return once nothing handed to the relay is still on its way to the broker."""
        self.flush()
        with self._sending:  # a batch the thread took before is sent by now
            pass

    def _send(self, batch: list[tuple[str, str]]) -> int:
        try:
            with self.uow_factory() as uow:
                queue_together(uow, batch, self.enqueue_many, self.clock)
        except Exception as error:  # stored, unqueued: the sweep sends it
            not_queued([delivery_id for _, delivery_id in batch], error)
            return 0
        return len(batch)

    def _take(self, most: int) -> tuple[list[tuple[str, str]], int]:
        """Up to `most` owed deliveries (the thread and a stopping process may both take), each
        once, and how many were taken: a delivery handed over twice before its turn — a
        repeated body whose first delivery was never queued is handed over again with it —
        goes once."""
        batch: dict[tuple[str, str], None] = {}
        taken = 0
        while taken < most:
            try:
                batch[self._owed.popleft()] = None
            except IndexError:
                break
            taken += 1
        return list(batch), taken

    def _start(self) -> None:
        """The thread starts with the first webhook: gunicorn forks its workers after the app
        is built, and a thread does not survive a fork."""
        if self._thread is not None:
            return
        with self._started:
            if self._thread is None:
                thread = threading.Thread(target=self._run, name="delivery-relay", daemon=True)
                thread.start()  # should it fail, the next webhook tries again
                self._thread = thread
                atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(LINGER)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # never let the thread die: the next webhook wakes it again
                logger.exception("delivery_relay_failed")
