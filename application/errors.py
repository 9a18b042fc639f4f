"""Errors the application layer understands, whatever adapter raised them."""

from __future__ import annotations

from datetime import datetime

from domain.errors import DomainError
from domain.review import ReviewReason


class SalesInboxError(Exception):
    """Base of every error Sales Inbox raises on purpose."""

    # True when an outside write raised it without having done anything: refused before the
    # other side acted (a 4xx, a 429), never sent (no connection, the call budget spent first).
    # Set by the adapter that sent the write, never guessed from the type: a retry may then
    # write again without looking for its result (application/write_ahead.py, WRITE_NOT_SENT).
    write_not_sent: bool = False


class TransientError(SalesInboxError):
    """Timeout, 5xx, 429, a lock held elsewhere: try again later, with backoff."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(SalesInboxError):
    """Validation or configuration: retrying will not help until a person changes something."""


# What no retry can fix: our permanent errors, a domain rule the same input breaks again, and
# whatever else the same input raises however often it is retried — a bad amount
# (InvalidOperation is an ArithmeticError), a wrong type, a missing key, a body nested too deep.
# They fail the order at once with their reason instead of being retried and dead-lettered.
PERMANENT_ERRORS: tuple[type[Exception], ...] = (
    PermanentError, DomainError, ArithmeticError, ValueError, TypeError, LookupError,
    AttributeError, RecursionError, AssertionError,
)
DETERMINISTIC = PERMANENT_ERRORS  # the name the reliability work (issue 13) gave it


def is_deterministic(error: BaseException) -> bool:
    """Whether retrying cannot help (see PERMANENT_ERRORS); anything else is transient."""
    return isinstance(error, PERMANENT_ERRORS)


class RateBudgetExhausted(TransientError):
    """No API call slot now (the rate limit, or the daily budget): try again later."""


class DailyBudgetSpent(RateBudgetExhausted):
    """The API's daily call budget is spent; work resumes by itself after it resets."""

    def __init__(self, message: str, resets_at: datetime, retry_after: float | None = None):
        super().__init__(message, retry_after)
        self.resets_at = resets_at


class AuthenticationFailed(PermanentError):
    """The API rejected the channel's credentials."""


class UnusableCredential(PermanentError):
    """A stored credential no request can carry (a line break or blanks pasted with it): it
    fails before anything is sent, until a person sets it again."""


class InvalidInput(PermanentError):
    """What a person entered breaks a rule; `fields` names each field with its messages, so a
    form or an API client can show every error at once. Nothing was saved."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("; ".join(f"{name}: {' '.join(messages)}"
                                   for name, messages in sorted(fields.items())))
        self.fields = fields


class NotFound(PermanentError):
    """The thing asked for does not exist."""


class LookUpUnfinished(PermanentError):
    """A bounded look-up in PayTraq stopped before the end of the list (too many pages, or
    paging not honoured), so a missing record cannot be ruled out. Where a lost answer is being
    checked, the order waits for a person instead of writing again on a guess."""


class UnreadableDelivery(PermanentError):
    """A webhook body that is not a notification we can read; retrying will not change that."""


class UnknownChannel(NotFound):
    def __init__(self, channel_id: str):
        super().__init__(f"no channel {channel_id!r}")
        self.channel_id = channel_id


class UnknownOrder(NotFound):
    def __init__(self, channel_id: str, order_id: str):
        super().__init__(f"no order {order_id!r} in channel {channel_id!r}")
        self.channel_id, self.order_id = channel_id, order_id


# --- work that collides with other work: a retry after a moment succeeds ------------------


class ConcurrentUpdate(TransientError):
    """Someone else saved the same inbox item first; load it again and redo the step."""

    def __init__(self, channel_id: str, order_id: str):
        super().__init__(
            f"order {order_id!r} of channel {channel_id!r} was changed by someone else; retry"
        )
        self.channel_id, self.order_id = channel_id, order_id


class DuplicateInboxItem(ConcurrentUpdate):
    """A second item for an order already in the inbox (two deliveries raced); a retry finds it."""


class StorageBusy(TransientError):
    """A lock held by another worker was not released in time."""


class OrderBusy(TransientError):
    """Another worker is processing this order right now; retry after it has finished."""

    def __init__(self, channel_id: str, order_id: str):
        super().__init__(f"order {order_id!r} of channel {channel_id!r} is being processed "
                         "by another worker", retry_after=2.0)


class BuyerBusy(TransientError):
    """Another worker is still finding or creating this buyer; retry in a moment."""

    def __init__(self, channel_id: str):
        super().__init__(f"a buyer of channel {channel_id!r} is being created by another worker",
                         retry_after=2.0)


class StockSyncAlreadyRunning(TransientError):
    """Another stock sync of the channel holds the lock; try again when it has finished."""

    def __init__(self, channel_id: str):
        super().__init__(f"a stock sync of channel {channel_id!r} is already running")
        self.channel_id = channel_id


class ClientDataInvalid(Exception):
    """The buyer's data cannot make a PayTraq client (no name, a malformed e-mail): the order
    waits for a person, with the reason."""

    def __init__(self, reason: ReviewReason):
        super().__init__(reason.message)
        self.reason = reason
