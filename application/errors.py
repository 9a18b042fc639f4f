"""Errors the application layer understands, whatever adapter raised them."""

from __future__ import annotations


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
    """The API's daily call budget is spent; work resumes after the budget resets."""


class AuthenticationFailed(PermanentError):
    """The API rejected the channel's credentials."""


class InvalidInput(PermanentError):
    """What a person entered breaks a rule; `fields` names each field with its messages, so a
    form or an API client can show every error at once. Nothing was saved."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("; ".join(f"{name}: {' '.join(messages)}"
                                   for name, messages in sorted(fields.items())))
        self.fields = fields


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
