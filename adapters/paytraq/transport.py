"""HTTP to PayTraq: credentials, rate limits, daily budget, timeouts, retries, typed errors, logs.

GETs are retried on timeouts, dropped connections, 5xx and 429 with exponential backoff and
jitter, honouring `Retry-After`. A POST is repeated here only when PayTraq surely did not act on
it (429, connection refused) and never follows a redirect. A timeout, a dropped connection, a 5xx
or a 3xx raises `AmbiguousWrite`: the caller must look before it writes again. A refusal raises
its typed error, marked `write_not_sent` only when PayTraq documents it as doing nothing (400,
401, 403, 404; REFUSED_UNTOUCHED). The APIKey and APIToken never reach a log line or an
exception message.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import requests
import structlog

from adapters.errors import AmbiguousWrite
from adapters.http_sessions import http_session, send, session_headers
from adapters.outside_calls import (
    DEFAULT_TIMEOUTS,
    CallObserver,
    OutsideCall,
    RetryPolicy,
    Timeouts,
    Wire,
    answered,
    never_connected,
    report,
    retry_after_seconds,
)
from adapters.paytraq import xml
from adapters.ratelimit import DailyBudget, NoRateLimit, RateLimiter
from application.errors import (
    AuthenticationFailed,
    DailyBudgetSpent,
    NotFound,
    PermanentError,
    SalesInboxError,
    TransientError,
)

log = structlog.get_logger(__name__)

XML_CONTENT_TYPE = "application/xml"
# the refusals PayTraq documents (paytraq-api.md §1.4: 400 failed validation, 401, 403, 404):
# a write refused with one did nothing. A 429 is never sent at all (_NotSent). Another 4xx — a
# proxy's 408, 409 or 413, say — does not vouch for that, so it is looked up like a lost answer.
REFUSED_UNTOUCHED = frozenset({400, 403})  # RequestRefused's; 401 and 404 have errors of their own
QUOTA_WAIT = 15 * 60  # a Retry-After this long is PayTraq's daily quota, not its pace
SETTINGS = {"APIKey": "the channel's PayTraq API key",  # what each header comes from
            "APIToken": "the channel's PayTraq API token"}


DEFAULT_RETRY = RetryPolicy()


class RequestRefused(PermanentError):
    """PayTraq answered 4xx (not 401/404/429), or a read a redirect not followed: refused;
    `status` and `message` say why. Only a 400 or 403 is known to have done nothing."""

    def __init__(self, text: str, status: int, message: str):
        super().__init__(text)
        self.status, self.message = status, message


class _NotSent(TransientError):
    """Failed before PayTraq could act (429, connection refused): safe to send again."""


class _NoAnswer(TransientError):
    """Sent, but no usable answer (timeout, dropped connection, 5xx)."""


class PayTraqTransport:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        api_token: str,
        *,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        limiter: RateLimiter | None = None,
        budget: DailyBudget | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        observer: CallObserver | None = None,
    ):
        self.observer = observer
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._secrets = tuple(s for s in (api_key, api_token) if s)
        self.timeouts, self.retry = timeouts, retry
        self.limiter = limiter or NoRateLimit()
        self.budget = budget
        self.session = session or http_session(self.base_url)
        reads = {"APIKey": api_key, "APIToken": api_token, "Accept": XML_CONTENT_TYPE}
        self._headers = {  # a read's and a write's, merged with the session's once
            False: session_headers(self.session, reads, SETTINGS),
            True: session_headers(self.session, {**reads, "Content-Type": XML_CONTENT_TYPE},
                                  SETTINGS),
        }
        self._sleep = sleep
        self.calls_made = 0
        self._thread_calls = threading.local()

    def calls_in_this_thread(self) -> int:
        return getattr(self._thread_calls, "count", 0)

    # --- public ------------------------------------------------------------------------
    def get(self, path: str, params: dict[str, str] | None = None) -> bytes:
        last: TransientError | None = None
        for attempt in range(1, self.retry.attempts + 1):
            try:
                return self._once("GET", path, params, None, attempt)
            except (_NotSent, _NoAnswer) as exc:
                last = exc
                self.pause(attempt, exc.retry_after)
        raise self._gave_up("GET", path, last)

    def post(self, path: str, body: bytes) -> bytes:
        """Send a write; raises AmbiguousWrite when PayTraq may have acted without answering.
        An error that surely left PayTraq untouched — never sent, a 429, a refusal PayTraq
        documents — says so (`write_not_sent`); any other (a proxy's 409, say) does not."""
        try:
            return self._post(path, body)
        except AmbiguousWrite:
            raise
        except SalesInboxError as failed:
            failed.write_not_sent = (not isinstance(failed, RequestRefused)
                                     or failed.status in REFUSED_UNTOUCHED)
            raise

    def _post(self, path: str, body: bytes) -> bytes:
        last: TransientError | None = None
        for attempt in range(1, self.retry.attempts + 1):
            try:
                return self._once("POST", path, None, body, attempt)
            except _NotSent as exc:
                last = exc
                self.pause(attempt, exc.retry_after)
            except _NoAnswer as exc:
                raise AmbiguousWrite(str(exc), exc.retry_after) from None
        raise self._gave_up("POST", path, last)

    def pause(self, attempt: int, retry_after: float | None = None) -> None:
        """Wait before the next attempt. A Retry-After longer than `longest_wait` (PayTraq's
        daily quota, say) is not slept through while an order is held: the caller's worker
        retries the whole step later instead."""
        if retry_after is not None and retry_after >= QUOTA_WAIT:  # the daily quota
            resets_at = datetime.now(UTC) + timedelta(seconds=retry_after)
            raise DailyBudgetSpent(
                f"PayTraq's daily request quota is used up; work goes on by itself after "
                f"{resets_at:%Y-%m-%d %H:%M} UTC", resets_at, retry_after)
        if retry_after is not None and retry_after > self.retry.longest_wait:
            raise TransientError(
                f"PayTraq asks to wait {retry_after:.0f} s before the next request",
                retry_after,
            )
        if attempt < self.retry.attempts:
            self._sleep(self.retry.delay(attempt, retry_after))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    # --- one request ---------------------------------------------------------------------
    def _once(self, method: str, path: str, params, body: bytes | None, attempt: int) -> bytes:
        self.limiter.acquire()
        if self.budget is not None:
            self.budget.spend()  # raises RateBudgetExhausted before anything is sent
        started = time.monotonic()
        self.calls_made += 1
        self._thread_calls.count = self.calls_in_this_thread() + 1
        try:
            response = send(self.session, method, self.base_url + path, params=params,
                            data=body, headers=self._headers[body is not None],
                            timeout=(self.timeouts.connect, self.timeouts.read),
                            follow_redirects=method == "GET")
        except requests.RequestException as exc:
            self._log(method, path, None, started, attempt, error=type(exc).__name__,
                      wire=self._wire(params, body, None))
            kind = _NotSent if never_connected(exc) else _NoAnswer
            raise kind(self.redact(f"PayTraq {method} {path}: {type(exc).__name__}")) from None
        self._log(method, path, response.status_code, started, attempt,
                  wire=self._wire(params, body, response))
        return self._answer(method, path, response)

    def _wire(self, params, body: bytes | None, response) -> Wire | None:
        """For the observer only (an order's wire trace); nothing is copied or parsed."""
        if self.observer is None:
            return None
        return Wire(params, body, XML_CONTENT_TYPE if body is not None else None,
                    *answered(response))

    def _answer(self, method: str, path: str, response: requests.Response) -> bytes:
        status = response.status_code
        if 200 <= status < 300:
            return response.content
        message = self.redact(xml.error_message(response.content, status))
        where = self.redact(f"PayTraq {method} {path}")
        if status == 401:
            raise AuthenticationFailed(f"{where}: credentials rejected (HTTP 401): {message}")
        if status == 404:
            raise NotFound(f"{where}: not found (HTTP 404): {message}")
        if status == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            raise _NotSent(f"{where}: rate limited (HTTP 429): {message}", wait)
        if status >= 500:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            raise _NoAnswer(f"{where}: server error (HTTP {status}): {message}", wait)
        if 300 <= status < 400 and method != "GET":  # a write's redirect is not followed
            raise _NoAnswer(f"{where}: answered with a redirect (HTTP {status}), not followed: "
                            "whether PayTraq acted is unknown")
        raise RequestRefused(f"{where}: refused (HTTP {status}): {message}", status, message)

    def _gave_up(self, method: str, path: str, last: TransientError | None) -> TransientError:
        detail = f": {last}" if last else ""
        path = self.redact(path)
        retry_after = last.retry_after if last else None
        return TransientError(
            f"PayTraq {method} {path} failed after {self.retry.attempts} attempts{detail}",
            retry_after,
        )

    def _log(self, method, path, status, started, attempt, error: str | None = None,
             wire: Wire | None = None) -> None:
        fields = {
            "method": method,
            "path": self.redact(path),
            "status": status,
            "duration_ms": round((time.monotonic() - started) * 1000),
            "attempt": attempt,
        }
        if error:
            fields["error"] = error
            log.warning("paytraq.request", **fields)
        else:
            log.info("paytraq.request", **fields)
        report(self.observer, OutsideCall("paytraq", method, fields["path"], status,
                                          fields["duration_ms"], error, wire))
