"""The audit log: every call made to an outside API, secrets masked; for a call made for an
order, also what was sent and answered (its wire trace, kept for a shorter time)."""

from __future__ import annotations

import abc
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_SECRET_NAME = re.compile(r"key|token|secret|pass|auth|signature", re.IGNORECASE)


def secret_name(name: str) -> bool:
    """A query parameter or field whose name says it holds a secret."""
    return _SECRET_NAME.search(name) is not None


def without_secrets(path: str) -> str:
    """The path with the values of secret-looking query parameters masked."""
    parts = urlsplit(path)
    if not parts.query:
        return path
    query = [
        (name, "***" if secret_name(name) else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe="*")))


@dataclass(frozen=True, slots=True)
class CallBodies:
    """The request's query string and the bodies of one call, as text: capped in size, secrets
    masked when captured. The buyer's personal data is still in them; it is replaced by
    placeholders when they are shown (application/order_trace.py)."""

    query: str | None = None
    request_type: str | None = None
    request_body: str | None = None
    response_type: str | None = None
    response_body: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One call to an outside API. Secret query parameters are masked on construction."""

    at: datetime
    channel_id: str | None
    api: str
    method: str
    path: str
    status: int | None
    duration_ms: int
    error: str | None = None
    order_id: str | None = None  # the order the call was made for, when one was
    bodies: CallBodies | None = None  # kept only for calls made for an order

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", without_secrets(self.path))


class AuditLog(abc.ABC):
    @abc.abstractmethod
    def record(self, entry: AuditEntry) -> None: ...

    def record_many(self, entries: Sequence[AuditEntry]) -> None:
        """Record each entry, in order (an adapter may write them as one batch)."""
        for entry in entries:
            self.record(entry)

    @abc.abstractmethod
    def recent(self, channel_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""

    @abc.abstractmethod
    def prune(self, before: datetime, limit: int) -> int:
        """Forget at most `limit` entries older than `before`; how many were forgotten."""

    @abc.abstractmethod
    def prune_bodies(self, before: datetime, limit: int) -> int:
        """Forget the bodies of at most `limit` calls made before `before` (the entries stay);
        how many were forgotten."""

    @abc.abstractmethod
    def count_since(self, api: str, since: datetime) -> dict[str | None, int]:
        """Calls to `api` at or after `since`, per channel."""

    @abc.abstractmethod
    def for_order(self, channel_id: str, order_id: str, limit: int = 500) -> list[AuditEntry]:
        """The calls made for one order, oldest first."""
