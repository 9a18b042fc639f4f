"""HTTP to Mozello's Store API: auth header, timeouts, rate limits, retries and typed errors.

Which failures are retried:
- 403 (Mozello's temporary block after a burst) and 429: the request was refused, not run, so
  every call waits and tries again; if the block persists -> TransientError.
- 5xx, timeouts, dropped connections: only idempotent calls (GET, PUT of absolute values, the
  absolute batch_update_by_sku) are retried with exponential backoff; others -> TransientError.
- 401 -> AuthenticationFailed, 404 -> NotFound, any other 4xx -> PermanentError with Mozello's
  `error_message`.
The API key is sent in the Authorization header only; it never appears in logs or messages.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import structlog

from adapters.http_sessions import http_session, send, session_headers
from adapters.mozello import wire
from adapters.outside_calls import (
    DEFAULT_TIMEOUTS,
    CallObserver,
    OutsideCall,
    RetryPolicy,
    Timeouts,
    Wire,
    answered,
    report,
)
from adapters.ratelimit import RateLimiter, TokenBucket
from application.errors import (
    AuthenticationFailed,
    NotFound,
    PermanentError,
    RateBudgetExhausted,
    TransientError,
)

SETTINGS = {"Authorization": "the channel's Mozello API key"}  # what a header comes from

log = structlog.get_logger()

DEFAULT_BASE_URL = "https://api.mozello.com/v1/"


MOZELLO_RETRY = RetryPolicy(attempts=4, jitter=False)


class SlidingWindowLimit(RateLimiter):
    """At most `limit` calls in any `window` seconds (Mozello blocks above 300 a minute)."""

    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.limit, self.window = limit, window
        self._clock, self._sleep = clock, sleep
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self, timeout: float = 60.0) -> None:
        deadline = self._clock() + timeout
        while True:
            with self._lock:
                now = self._clock()
                while self._stamps and self._stamps[0] <= now - self.window:
                    self._stamps.popleft()
                if len(self._stamps) < self.limit:
                    self._stamps.append(now)
                    return
                wait = self._stamps[0] + self.window - now
            if now + wait > deadline:
                raise RateBudgetExhausted("Mozello rate limit: no request slot in time", wait)
            self._sleep(wait)


# Mozello allows 5 requests a second (burst 5) and blocks a key for 60 s when it sees more. Our
# clock is not Mozello's: requests taken from our bucket a fifth of a second apart can arrive
# closer together (a busy worker, the network), so we keep one request of burst in reserve.
RATE_PER_SECOND, BURST = 5.0, 4


def default_limiters() -> list[RateLimiter]:
    """Under 5 requests a second and never more than 300 in a minute, in this process.
    Several processes sharing one key should inject a RedisTokenBucket instead."""
    return [TokenBucket(rate=RATE_PER_SECOND, burst=BURST),
            SlidingWindowLimit(limit=300, window=60.0)]


class MozelloTransport:
    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        session: requests.Session | None = None,
        limiters: Sequence[RateLimiter] | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetryPolicy = MOZELLO_RETRY,
        sleep: Callable[[float], None] = time.sleep,
        observer: CallObserver | None = None,
    ):
        self.observer = observer
        base = base_url or DEFAULT_BASE_URL
        self.base_url = base if base.endswith("/") else base + "/"
        self._api_key = api_key
        self._session = session or http_session(self.base_url)
        reads = {"Authorization": f"ApiKey {api_key}", "Accept": "application/json"}
        self._headers = {  # a read's and a write's, merged with the session's once
            False: session_headers(self._session, reads, SETTINGS),
            True: session_headers(self._session, {**reads, "Content-Type": "application/json"},
                                  SETTINGS),
        }
        self._limiters = list(default_limiters() if limiters is None else limiters)
        self.timeouts, self.retry, self._sleep = timeouts, retry, sleep
        self.calls_made = 0
        self._count_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MozelloTransport(base_url={self.base_url!r}, api_key=***)"

    def url(self, path_or_link: str) -> str:
        """A path relative to /v1 (`store/products/`, `/store/products/?page_start=id:2`)
        or an absolute link, as the next-page links come."""
        if path_or_link.startswith(("http://", "https://")):
            if urlsplit(path_or_link).netloc != urlsplit(self.base_url).netloc:
                raise PermanentError(
                    f"Mozello linked to another host ({urlsplit(path_or_link).netloc}); "
                    "the API key is not sent there")
            return path_or_link
        return urljoin(self.base_url, path_or_link.lstrip("/"))

    def request(self, method: str, path: str, *, params: dict | None = None,
                body: Any = None, idempotent: bool | None = None) -> dict:
        """One logical call; returns the decoded JSON object of the 2xx answer."""
        if idempotent is None:
            idempotent = method in ("GET", "PUT", "DELETE")
        url = self.url(path)
        failures, blocks = 0, 0
        while True:
            try:
                response = self._send(method, url, params, body)
            except (requests.Timeout, requests.ConnectionError) as exc:
                failures += 1
                reason = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
                if not idempotent or failures >= self.retry.attempts:
                    raise TransientError(f"Mozello {method} {self._path(url)} {reason}") from None
                self._sleep(self.retry.delay(failures))
                continue
            status = response.status_code
            if status in (403, 429):
                if blocks >= len(self.retry.blocked_waits):
                    raise TransientError(
                        f"Mozello keeps refusing {method} {self._path(url)} with HTTP {status} "
                        f"(rate limit block): {self._message(response)}", retry_after=60.0)
                self._sleep(self.retry.blocked_waits[blocks])
                blocks += 1
                continue
            if status >= 500:
                failures += 1
                if not idempotent or failures >= self.retry.attempts:
                    raise TransientError(
                        f"Mozello {method} {self._path(url)} failed with HTTP {status}: "
                        f"{self._message(response)}")
                self._sleep(self.retry.delay(failures))
                continue
            return self._answer(method, url, response)

    # --- internals -------------------------------------------------------------------------

    def _send(self, method: str, url: str, params: dict | None, body: Any) -> requests.Response:
        for limiter in self._limiters:
            limiter.acquire()
        data = None if body is None else wire.encode(body)
        with self._count_lock:
            self.calls_made += 1
        started = time.monotonic()
        response: requests.Response | None = None
        try:
            response = send(self._session, method, url, params=params, data=data,
                            headers=self._headers[data is not None],
                            timeout=(self.timeouts.connect, self.timeouts.read),
                            follow_redirects=method == "GET")  # a write's: not as a GET
            return response
        finally:
            self._report(method, url, started, response, params, data)

    def _report(self, method: str, url: str, started: float,
                response: requests.Response | None, params: dict | None,
                data: bytes | None) -> None:
        status = response.status_code if response is not None else None
        duration = round((time.monotonic() - started) * 1000)
        log.info("mozello_call", method=method, path=self._path(url), status=status,
                 duration_ms=duration)
        wire = None
        if self.observer is not None:
            wire = Wire(params, data, "application/json" if data is not None else None,
                        *answered(response))
        report(self.observer, OutsideCall("mozello", method, self._path(url), status,
                                          duration, None if status else "no answer", wire))

    def _answer(self, method: str, url: str, response: requests.Response) -> dict:
        status, path = response.status_code, self._path(url)
        if status == 401:
            raise AuthenticationFailed("Mozello rejected the Store API key (HTTP 401)")
        if status == 404:
            raise NotFound(f"Mozello has no {path} (HTTP 404): {self._message(response)}")
        if status >= 400:
            raise PermanentError(
                f"Mozello refused {method} {path} (HTTP {status}): {self._message(response)}")
        if 300 <= status < 400:  # requests would repeat the write as a GET, its body dropped
            raise TransientError(f"Mozello answered {method} {path} with a redirect "
                                 f"(HTTP {status}), not followed: the write is tried again later")
        try:
            data = wire.decode(response.content) if response.content.strip() else {}
        except ValueError:
            raise TransientError(f"Mozello answered {method} {path} with non-JSON") from None
        if not isinstance(data, dict):
            raise PermanentError(f"Mozello answered {method} {path} with a non-object JSON")
        if data.get("error") is True:
            raise PermanentError(
                f"Mozello refused {method} {path}: {self._redact(str(data.get('error_message')))}")
        return data

    def _message(self, response: requests.Response) -> str:
        try:
            data = wire.decode(response.content)
            text = str(data.get("error_message") or data) if isinstance(data, dict) else str(data)
        except ValueError:
            text = response.text[:200] or response.reason or ""
        return self._redact(text)

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    def _path(self, url: str) -> str:
        path = url[len(self.base_url) - 1:] if url.startswith(self.base_url) else url
        return self._redact(path.split("?", 1)[0])

