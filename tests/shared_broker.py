"""The in-process Dramatiq broker that the tests of one process share: Dramatiq binds the
actors to the broker set when they are first imported (entrypoints/bootstrap.py), so every
test's worker consumes from the same StubBroker queues."""

from __future__ import annotations

import dramatiq


def leave_idle(broker: dramatiq.Broker) -> None:
    """Once the test's worker has stopped: no message left on the broker, and none still
    counted as unfinished.

    A stopped Worker drops what it had taken but not finished — messages prefetched for its
    threads, a retry waiting for its time — and the StubBroker does not put them back, so its
    queue counts them unfinished for good: `flush_all` cannot clear them, and every later
    `broker.join` on that queue, in any later test of the process, waits out its timeout. How
    much a worker still holds when its test ends depends on the machine's speed."""
    broker.flush_all()
    for queue in getattr(broker, "queues", {}).values():
        while queue.unfinished_tasks:
            queue.task_done()
