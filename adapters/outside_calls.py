"""Every call to an outside API, reported to an observer (the audit log) — secrets never."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OutsideCall:
    api: str  # "paytraq" | "mozello"
    method: str
    path: str  # redacted, without query secrets
    status: int | None  # None: no answer (timeout, connection error)
    duration_ms: int
    error: str | None = None


CallObserver = Callable[[OutsideCall], None]


def report(observer: CallObserver | None, call: OutsideCall) -> None:
    """An observer's failure must never break the call it observes."""
    if observer is None:
        return
    try:
        observer(call)
    except Exception:  # noqa: BLE001
        pass
