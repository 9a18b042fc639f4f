"""Message metrics for /metrics: messages processed, failed and retried per actor, and time
spent — counted by a Dramatiq middleware, kept in Redis in the distributed mode (so the web
process sees every worker's counts) and in the process in embedded mode."""

from __future__ import annotations

import threading
import time
from collections import Counter

from dramatiq.middleware import Middleware

REDIS_KEY = "sales-inbox:metrics"


class MessageCounters:
    def __init__(self, redis_client=None):
        self.redis = redis_client
        self._local: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, name: str, amount: float = 1) -> None:
        if self.redis is not None:
            self.redis.hincrbyfloat(REDIS_KEY, name, amount)
            return
        with self._lock:
            self._local[name] += amount

    def snapshot(self) -> dict[str, float]:
        if self.redis is not None:
            return {k.decode(): float(v) for k, v in self.redis.hgetall(REDIS_KEY).items()}
        with self._lock:
            return dict(self._local)


class MessageMetrics(Middleware):
    def __init__(self, counters: MessageCounters):
        self.counters = counters
        self._started: dict[str, float] = {}

    def before_process_message(self, broker, message):
        self._started[message.message_id] = time.monotonic()

    def after_process_message(self, broker, message, *, result=None, exception=None):
        started = self._started.pop(message.message_id, None)
        outcome = "failed" if exception is not None else "processed"
        self.counters.add(f"{message.actor_name}|{outcome}")
        if message.options.get("retries"):
            self.counters.add(f"{message.actor_name}|retried")
        if started is not None:
            self.counters.add(f"{message.actor_name}|seconds", time.monotonic() - started)

    def after_skip_message(self, broker, message):
        self._started.pop(message.message_id, None)
        self.counters.add(f"{message.actor_name}|skipped")


def exposition(counters: MessageCounters) -> list[str]:
    """Prometheus text lines for the counters."""
    lines = [
        "# HELP sales_inbox_messages_total Messages handled by the workers, by actor and outcome",
        "# TYPE sales_inbox_messages_total counter",
    ]
    seconds = []
    for name, value in sorted(counters.snapshot().items()):
        actor, _, outcome = name.partition("|")
        if outcome == "seconds":
            seconds.append(f'sales_inbox_message_seconds_total{{actor="{actor}"}} {value:.3f}')
        else:
            lines.append(f'sales_inbox_messages_total{{actor="{actor}",outcome="{outcome}"}} '
                         f"{int(value)}")
    lines += ["# HELP sales_inbox_message_seconds_total Time spent handling messages",
              "# TYPE sales_inbox_message_seconds_total counter", *seconds]
    return lines
