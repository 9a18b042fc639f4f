"""PayTraq Connect over HTTP: `POST https://go.paytraq.com/ext/webhooks/inbox/{ChannelID}`,
`Content-Type: application/xml`, HTTP 200 on success (paytraq-api.md §9.2). Outside the REST
quota; no credentials but the URL itself, which is therefore never logged in full.

Sent again only when PayTraq surely did not take it (connection refused, 429); after a timeout,
a dropped connection, a 5xx or a redirect (never followed) it raises AmbiguousWrite and the
caller decides. A 429 asking for more than a minute goes back to the worker's retry."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests
import structlog

from adapters.errors import AmbiguousWrite
from adapters.http_sessions import http_session
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
from adapters.paytraq.connect_xml import connect_body
from adapters.paytraq.transport import DEFAULT_RETRY, XML_CONTENT_TYPE, RequestRefused
from adapters.paytraq.xml import error_message
from application.errors import SalesInboxError, TransientError
from application.ports import ConnectPort, ConnectSale

log = structlog.get_logger(__name__)
SHOWN_PATH = "ext/webhooks/inbox/***"


class PayTraqConnectClient(ConnectPort):
    def __init__(self, url: str, *, timeouts: Timeouts = DEFAULT_TIMEOUTS,
                 retry: RetryPolicy = DEFAULT_RETRY, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 observer: CallObserver | None = None):
        self.url, self.timeouts, self.retry = url, timeouts, retry
        self.session = session or http_session(url)
        self._sleep, self.observer = sleep, observer

    def __repr__(self) -> str:
        return "PayTraqConnectClient(url=***)"

    def send(self, sale: ConnectSale) -> None:
        """Deliver it; AmbiguousWrite when it may have been taken without an answer. Refused
        for its pace (429) or never connected, every time: it says it left PayTraq untouched
        (`write_not_sent`). A refusal (4xx) does not: Connect documents its 200 only."""
        try:
            self._send(connect_body(sale))
        except (AmbiguousWrite, RequestRefused):
            raise
        except SalesInboxError as untouched:
            untouched.write_not_sent = True
            raise

    def _send(self, body: bytes) -> None:
        for attempt in range(1, self.retry.attempts + 1):
            wait = self._once(body, attempt)
            if wait is None:
                return
            if wait > self.retry.longest_wait:  # not slept through while the order is held:
                raise TransientError(  # the worker's own retry comes back later
                    f"PayTraq Connect asks to wait {wait:.0f} s before the next delivery "
                    "(not sent)", wait)
            if attempt < self.retry.attempts:
                self._sleep(self.retry.delay(attempt, wait))
        raise TransientError(f"PayTraq Connect refused {self.retry.attempts} times (not sent)")

    def _once(self, body: bytes, attempt: int) -> float | None:
        """None when delivered; seconds to wait when surely not delivered (safe to resend)."""
        started = time.monotonic()
        try:
            response = self.session.post(self.url, data=body, timeout=(
                self.timeouts.connect, self.timeouts.read),
                headers={"Content-Type": XML_CONTENT_TYPE}, allow_redirects=False)
        except requests.RequestException as exc:
            self._report(None, started, type(exc).__name__, body, None)
            if never_connected(exc):
                return 0.0
            raise AmbiguousWrite(f"PayTraq Connect: {type(exc).__name__}") from None
        status = response.status_code
        self._report(status, started, None, body, response)
        if 200 <= status < 300:
            return None
        message = error_message(response.content, status).replace(self.url, SHOWN_PATH)
        if status == 429:
            return retry_after_seconds(response.headers.get("Retry-After")) or 0.0
        if status >= 500 or 300 <= status < 400:  # a redirect after the write is not followed
            raise AmbiguousWrite(f"PayTraq Connect: no answer it can vouch for (HTTP {status}): "
                                 f"{message}")
        raise RequestRefused(f"PayTraq Connect: refused (HTTP {status}): {message}", status,
                             message)

    def _report(self, status: int | None, started: float, error: str | None, body: bytes,
                response) -> None:
        duration = round((time.monotonic() - started) * 1000)
        log.info("paytraq_connect.request", status=status, duration_ms=duration, error=error)
        wire = Wire(None, body, XML_CONTENT_TYPE, *answered(response)) if self.observer else None
        report(self.observer, OutsideCall("paytraq", "POST", SHOWN_PATH, status, duration, error,
                                          wire))
