"""What the PayTraq sandbox does around each request: the credentials check (401), the rate limit
per credential pair (429 + Retry-After, DECISIONS P12), the daily counter, a log of requests
seen, and faults injected on demand for the reliability tests:

- `latency`: answer normally, `seconds` late;
- `error`: answer `status` (500 by default) without doing anything, with `retry_after` as its
  Retry-After header when given;
- `timeout`: sleep `seconds` (past the client's timeout), then 504 without doing anything;
- `drop_after_write`: do the write, then lose the answer: `how` = `close` (connection shut),
  `500` (error status) or `timeout` (answer only after `seconds`).

A fault's path is matched against the path after `/api/`, or, for PayTraq Connect (which takes
no API credentials and counts against no REST limit), the whole path
`ext/webhooks/inbox/{ChannelID}`: e.g. `error` with status 429 (refused before the effect: the
message is not taken), `error` 500 (nothing taken, but the client cannot know), and
`drop_after_write` (taken, the answer lost).
"""

from __future__ import annotations

import math
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import Flask, Response, g, request

from adapters.paytraq.sandbox import answer_xml as wire
from adapters.paytraq.sandbox.state import SandboxState

UNAUTHORIZED = "API credentials have not been provided or company license key is not valid"


@dataclass(frozen=True, slots=True)
class RateLimit:
    rate: float = 1.0
    burst: int = 5


@dataclass
class Fault:
    method: str
    path: str  # a regular expression matched against the whole path after /api/
    kind: str  # latency | error | timeout | drop_after_write
    seconds: float = 0.0
    status: int = 500
    how: str = "close"  # for drop_after_write: close | 500 | timeout
    times: int | None = 1  # None: every matching request
    retry_after: int | None = None  # for `error`: the Retry-After header sent with it

    def matches(self, method: str, path: str) -> bool:
        return self.method.upper() == method and re.fullmatch(self.path, path) is not None


@dataclass(frozen=True, slots=True)
class SeenRequest:
    at: float
    method: str
    path: str
    status: int


@dataclass
class SandboxControls:
    rate_limit: RateLimit | None = field(default_factory=RateLimit)
    daily_limit: int | None = 5000
    faults: list[Fault] = field(default_factory=list)
    seen: list[SeenRequest] = field(default_factory=list)
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _daily: dict[tuple[str, str], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    random_faults: object = None  # fault_api.RandomFaults: faults at random, over HTTP

    def inject(self, method: str, path: str, kind: str, **options) -> Fault:
        fault = Fault(method, path, kind, **options)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        if self.random_faults is not None:
            return self.random_faults.pick(method, path)
        return None

    def wait_for_token(self, credential: str) -> float:
        """0 when a request may pass now, else the seconds until one may."""
        if self.rate_limit is None:
            return 0.0
        rate, burst = self.rate_limit.rate, self.rate_limit.burst
        with self._lock:
            now = time.monotonic()
            tokens, stamp = self._buckets.get(credential, (float(burst), now))
            tokens = min(burst, tokens + (now - stamp) * rate)
            if tokens >= 1:
                self._buckets[credential] = (tokens - 1, now)
                return 0.0
            self._buckets[credential] = (tokens, now)
            return (1 - tokens) / rate

    def count_today(self, credential: str) -> int:
        day = datetime.now(UTC).strftime("%Y-%m-%d")
        with self._lock:
            used = self._daily.get((credential, day), 0) + 1
            self._daily[(credential, day)] = used
            return used

    def record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.seen.append(SeenRequest(time.monotonic(), method, path, status))


def _error(message: str, status: int, retry_after: int | None = None) -> Response:
    response = Response(wire.error(message), status=status, content_type="application/xml")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _seconds_to_midnight() -> int:
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, math.ceil((midnight - now).total_seconds()))


CONNECT_PREFIX = "/ext/webhooks/inbox/"


def install_controls(app: Flask, state: SandboxState, controls: SandboxControls) -> None:
    def api_path() -> str | None:
        """The path faults are matched against: after /api/, or the Connect endpoint's."""
        path = request.path
        if path.startswith(CONNECT_PREFIX):
            return path[1:]
        return path[len("/api/"):] if path.startswith("/api/") else None

    def refused_by_limits() -> Response | None:
        key = request.headers.get("APIKey") or request.args.get("APIKey", "")
        token = request.headers.get("APIToken") or request.args.get("APIToken", "")
        if not state.authenticates(key, token):
            return _error(UNAUTHORIZED, 401)
        wait = controls.wait_for_token(key)
        if wait > 0:
            return _error("Too many requests: slow down", 429, max(1, math.ceil(wait)))
        if controls.daily_limit is not None and controls.count_today(key) > controls.daily_limit:
            return _error(f"Daily API request limit of {controls.daily_limit} reached", 429,
                          _seconds_to_midnight())
        return None

    @app.before_request
    def guard():
        path = api_path()
        if path is None:
            return None
        if not request.path.startswith(CONNECT_PREFIX):  # Connect: the URL is the credential
            refused = refused_by_limits()
            if refused is not None:
                return refused
        fault = controls.take_fault(request.method, path)
        g.fault = fault
        if fault is None or fault.kind == "drop_after_write":
            return None
        if fault.kind == "latency":
            time.sleep(fault.seconds)
            return None
        if fault.kind == "timeout":
            time.sleep(fault.seconds)
            return _error("Gateway timeout", 504)
        return _error(f"Injected fault: HTTP {fault.status}", fault.status, fault.retry_after)

    @app.after_request
    def lose_answer_and_record(response: Response) -> Response:
        path = api_path()
        if path is None:
            return response
        fault = g.get("fault")
        if fault is not None and fault.kind == "drop_after_write" and response.status_code == 200:
            if fault.how == "timeout":
                time.sleep(fault.seconds)
            elif fault.how == "500":
                response = _error("Internal server error", 500)
            else:
                connection = request.environ.get("werkzeug.socket")
                if connection is not None:
                    connection.shutdown(socket.SHUT_RDWR)
                controls.record(request.method, path, 0)
                return Response(b"", status=500)
        controls.record(request.method, path, response.status_code)
        return response
