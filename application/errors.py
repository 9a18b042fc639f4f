"""Errors the application layer understands, whatever adapter raised them."""

from __future__ import annotations

from datetime import datetime


class SalesInboxError(Exception):
    """Base of every error Sales Inbox raises on purpose."""


class TransientError(SalesInboxError):
    """Timeout, 5xx, 429, a lock held elsewhere: try again later, with backoff."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(SalesInboxError):
    """Validation or configuration: retrying will not help until a person changes something."""


class RateBudgetExhausted(TransientError):
    """No API call slot now (the rate limit, or the daily budget): try again later."""


class DailyBudgetSpent(RateBudgetExhausted):
    """The API's daily call budget is spent; work resumes by itself after it resets."""

    def __init__(self, message: str, resets_at: datetime, retry_after: float | None = None):
        super().__init__(message, retry_after)
        self.resets_at = resets_at


class AuthenticationFailed(PermanentError):
    """The API rejected the channel's credentials."""


class NotFound(PermanentError):
    """The thing asked for does not exist."""


class UnknownChannel(NotFound):
    def __init__(self, channel_id: str):
        super().__init__(f"no channel {channel_id!r}")
        self.channel_id = channel_id


class UnknownOrder(NotFound):
    def __init__(self, channel_id: str, order_id: str):
        super().__init__(f"no order {order_id!r} in channel {channel_id!r}")
        self.channel_id, self.order_id = channel_id, order_id


# Errors that the same input raises again however often it is retried: a bad amount
# (InvalidOperation is an ArithmeticError), a wrong type, a missing key, a body nested too deep.
# They fail the order at once with their reason instead of being retried and dead-lettered.
DETERMINISTIC: tuple[type[BaseException], ...] = (
    PermanentError, ArithmeticError, ValueError, TypeError, LookupError, AttributeError,
    RecursionError, AssertionError,
)


def is_deterministic(error: BaseException) -> bool:
    """Whether retrying cannot help (see DETERMINISTIC); anything else is treated as transient."""
    return isinstance(error, DETERMINISTIC)
