"""What every call to an outside API shares, whichever API it is: timeouts, the retry and
backoff policy, reading Retry-After, knowing whether a request ever left, finding our reference
in the other side's free text, and the report of each call to an observer (the audit log) —
secrets never."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests


@dataclass(frozen=True, slots=True)
class Timeouts:
    connect: float = 5.0
    read: float = 30.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5  # tries of a call that is safe to repeat
    backoff: float = 0.5  # first wait in seconds; doubles each time
    backoff_cap: float = 30.0
    longest_wait: float = 60.0  # a longer Retry-After is left to the worker's own retry
    blocked_waits: tuple[float, ...] = (5.0, 15.0, 30.0, 60.0)  # waits after a rate-limit block
    jitter: bool = True

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Exponential backoff (with jitter), never shorter than the server's Retry-After."""
        wait = min(self.backoff_cap, self.backoff * 2 ** (attempt - 1))
        if self.jitter:
            wait *= random.uniform(0.5, 1.0)
        return max(wait, retry_after or 0.0)


DEFAULT_TIMEOUTS = Timeouts()


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def never_connected(exc: requests.RequestException) -> bool:
    """True when the request surely never reached the server (so repeating a write is safe)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    cause: BaseException | None = exc
    while cause is not None:
        if type(cause).__name__ == "NewConnectionError":
            return True
        cause = getattr(cause, "reason", None) or cause.__context__
    return False


def mentions(comment: str, reference: str) -> bool:
    """True when `reference` appears in `comment` as a whole token (M-1-10 is not in M-1-101):
    neither neighbour a word character (as a regular expression's \\w: a letter or digit of any
    script, or `_`) nor `-`. Found without a regular expression: every order's reference would
    be one more pattern compiled."""
    if not reference:
        return False
    start = comment.find(reference)
    while start != -1:
        end = start + len(reference)
        if not _joins(comment[start - 1:start]) and not _joins(comment[end:end + 1]):
            return True
        start = comment.find(reference, start + 1)
    return False


def _joins(char: str) -> bool:
    """Whether a neighbouring character makes a reference part of a longer token."""
    return char == "-" or char == "_" or char.isalnum()


@dataclass(frozen=True, slots=True)
class Wire:
    """What went over the wire, as the transport already holds it: references to its bytes,
    nothing copied, encoded or parsed. The observer decides what (if anything) to keep, and masks
    the secrets in it (adapters/call_bodies.py)."""

    params: Mapping[str, str] | None = None
    sent: bytes | None = None
    sent_type: str | None = None
    answer: bytes | None = None
    answer_type: str | None = None


def answered(response) -> tuple[bytes | None, str | None]:
    """A response's body and content type (None, None without a response)."""
    if response is None:
        return None, None
    return response.content, response.headers.get("Content-Type")


@dataclass(frozen=True, slots=True)
class OutsideCall:
    api: str  # "paytraq" | "mozello"
    method: str
    path: str  # redacted, without query secrets
    status: int | None  # None: no answer (timeout, connection error)
    duration_ms: int
    error: str | None = None
    wire: Wire | None = None  # with secrets in it: never logged, only handed to the observer


CallObserver = Callable[[OutsideCall], None]


def report(observer: CallObserver | None, call: OutsideCall) -> None:
    """An observer's failure must never break the call it observes."""
    if observer is None:
        return
    try:
        observer(call)
    except Exception:  # noqa: BLE001
        pass
