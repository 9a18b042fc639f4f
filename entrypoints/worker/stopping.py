"""A graceful stop for Dramatiq worker processes when SIGTERM goes to the whole process group.

systemd (KillMode=control-group) and a terminal's Ctrl-C signal every process of the group: a
worker process then gets SIGTERM twice — once directly, once forwarded by Dramatiq's main
process — and Dramatiq reads the second as "kill now", abandoning the orders in flight. Here the
copy that arrives within `SAME_STOP` seconds of the first is ignored, so the worker finishes its
current messages, hands back the ones it had prefetched, and exits 0; a SIGTERM sent later
still forces the exit, as Dramatiq documents."""

from __future__ import annotations

import signal
import time

SAME_STOP = 5.0


def absorb_the_process_groups_second_sigterm() -> bool:
    """In a Dramatiq worker process, wrap its SIGTERM handler; True when installed."""
    original = signal.getsignal(signal.SIGTERM)
    if not callable(original) or getattr(original, "__module__", "") != "dramatiq.cli":
        return False  # not a Dramatiq worker process (the main process, a test, the web app)
    first_at: list[float] = []

    def on_sigterm(signum, frame):
        now = time.monotonic()
        if first_at and now - first_at[0] < SAME_STOP:
            return
        first_at[:1] = [now]
        original(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)
    return True
