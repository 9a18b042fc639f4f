"""Errors the domain raises when a rule is broken. Each is deterministic: the same input breaks
the same rule again, so a worker never retries one (entrypoints/worker/actors.py)."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the change; retrying will not help until a person acts."""


class IllegalInboxTransition(DomainError):
    def __init__(self, order_id: str, current: object, wanted: object):
        super().__init__(f"order {order_id}: cannot go from {current} to {wanted}")
        self.current, self.wanted = current, wanted


class FloatAmountRefused(DomainError, TypeError):
    """A float reached the money code: its binary value is not the amount the shop meant."""
