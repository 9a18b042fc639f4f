"""The sandbox's notification sender: queued events, PHP-style bodies, signed, retried.

Mozello batches notifications (about once a minute, spec §3.3). Here an event is due after
`WebhookPolicy.delay` seconds; `flush()` sends everything queued right away (tests call it), and
`start()` runs a background sender for the CLI sandbox.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

from adapters.mozello import wire
from adapters.mozello.sandbox.store import MozelloSandboxState
from adapters.mozello.signature import sign


@dataclass
class QueuedNotification:
    event: str
    body: bytes
    due: float


@dataclass(frozen=True)
class DeliveryAttempt:
    event: str
    url: str
    status: int | None
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookOutbox:
    def __init__(self, state: MozelloSandboxState, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.state = state
        self._session = session or requests.Session()
        self._sleep, self._clock = sleep, clock
        self.queue: list[QueuedNotification] = []
        self.attempts: list[DeliveryAttempt] = []
        self.failed: list[QueuedNotification] = []
        self._lock = threading.Lock()
        self._random = random.Random(state.webhooks.seed)
        self.dropped = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def flush(self, only_due: bool = False) -> int:
        """Deliver the queue now (or only what is due); returns how many were accepted."""
        self._collect()
        with self._lock:
            now = self._clock()
            ready = [n for n in self.queue if not only_due or n.due <= now]
            self.queue = [n for n in self.queue if n not in ready]
            if self.state.webhooks.shuffle:
                self._random.shuffle(ready)
        return sum(1 for notification in ready if self._deliver(notification))

    def report(self) -> dict:
        """What was sent: attempts by answer status, deliveries given up, events dropped."""
        statuses: dict[str, int] = {}
        for attempt in list(self.attempts):
            key = str(attempt.status) if attempt.status is not None else attempt.error or "?"
            statuses[key] = statuses.get(key, 0) + 1
        return {"attempts": len(self.attempts), "by_status": statuses,
                "given_up": len(self.failed), "dropped": self.dropped, "queued": len(self.queue)}

    def start(self, interval: float = 0.5) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(interval,),
                                        name="mozello-sandbox-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # --- internals -------------------------------------------------------------------------

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.flush(only_due=True)
            except Exception:  # noqa: BLE001 - the sender must outlive one bad delivery
                continue

    def _collect(self) -> None:
        """Move new events from the state into the queue: only wanted ones, as configured."""
        state = self.state
        with state.lock:
            events, state.events = state.events, []
            wanted, url, policy = set(state.notifications_wanted), state.notifications_url, state.webhooks
        if not url or policy.drop:
            return
        due = self._clock() + policy.delay
        with self._lock:
            for event, payload in events:
                if event not in wanted:
                    continue
                if policy.drop_rate and self._random.random() < policy.drop_rate:
                    self.dropped += 1
                    continue
                body = wire.encode(payload, php_style=True)
                copies = max(1, policy.duplicates)
                if policy.max_copies > 1:
                    copies = self._random.randint(1, policy.max_copies)
                self.queue += [QueuedNotification(event, body, due) for _ in range(copies)]

    def _deliver(self, notification: QueuedNotification) -> bool:
        state, policy = self.state, self.state.webhooks
        url = state.notifications_url
        if not url:
            return False
        headers = {
            "Content-Type": "application/json",
            "Accept": "*/*",
            "X-Mozello-API-Version": "1",
            "X-Mozello-Alias": state.alias,
            "X-Mozello-Hash": sign(notification.body, state.api_key),
        }
        wait = policy.retry_backoff
        for attempt in range(1, max(1, policy.max_attempts) + 1):
            status, error = None, None
            try:
                response = self._session.post(url, data=notification.body, headers=headers,
                                              timeout=policy.timeout)
                status = response.status_code
            except requests.RequestException as exc:
                error = type(exc).__name__
            result = DeliveryAttempt(notification.event, url, status, error)
            self.attempts.append(result)
            if result.succeeded:
                return True
            if attempt < policy.max_attempts:
                self._sleep(wait)
                wait *= 2
        self.failed.append(notification)
        return False
