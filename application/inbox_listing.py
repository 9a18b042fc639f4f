"""What a person asks of the inbox: which items (filters), a page of them, counts per status.

The listing is newest first and paged by a keyset cursor (received_at, channel, order), so a page
costs the same at 100 items as at 100,000."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from domain.inbox import InboxItem, InboxStatus

MAX_PAGE = 200


@dataclass(frozen=True)
class InboxQuery:
    channel_id: str | None = None
    status: InboxStatus | None = None
    received_from: datetime | None = None  # inclusive
    received_to: datetime | None = None  # exclusive
    text: str = ""  # order id, buyer or e-mail, any part, any case

    @property
    def needle(self) -> str:
        return search_text_of(self.text)

    def matches(self, item: InboxItem) -> bool:
        """The rule the in-memory storage applies; the SQL storage says the same in SQL."""
        return (
            (self.channel_id is None or item.channel_id == self.channel_id)
            and (self.status is None or item.status is self.status)
            and (self.received_from is None or item.received_at >= self.received_from)
            and (self.received_to is None or item.received_at < self.received_to)
            and (not self.needle or self.needle in search_text(item))
        )

    def without_status(self) -> InboxQuery:
        return InboxQuery(self.channel_id, None, self.received_from, self.received_to, self.text)


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the next page starts strictly after (older than) this item."""

    received_at: datetime
    channel_id: str
    order_id: str

    def encode(self) -> str:
        return "|".join((self.received_at.isoformat(), self.channel_id, self.order_id))

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """Raises ValueError for anything that is not a cursor this service made."""
        at, channel_id, order_id = text.split("|", 2)
        received_at = datetime.fromisoformat(at)
        if received_at.tzinfo is None:
            raise ValueError("cursor without a time zone")
        try:
            received_at.astimezone(UTC)  # e.g. year 1 east of Greenwich: no UTC time holds it
        except OverflowError:
            raise ValueError("cursor time out of range") from None
        return cls(received_at, channel_id, order_id)

    @classmethod
    def after_item(cls, item: InboxItem) -> Cursor:
        return cls(item.received_at, item.channel_id, item.order_id)

    def sort_key(self) -> tuple:
        return (self.received_at, self.channel_id, self.order_id)


@dataclass(frozen=True)
class InboxPage:
    items: list[InboxItem]
    next_cursor: str | None  # None on the last page
    counts: dict[InboxStatus, int] = field(default_factory=dict)


def search_text_of(text: str) -> str:
    return " ".join(text.lower().split())


def search_text(item: InboxItem) -> str:
    """What the text filter looks in: the order id, the buyer's names and e-mail."""
    customer = item.order.customer
    return search_text_of(" ".join((item.order_id, customer.name, customer.company,
                                    customer.email)))


def sort_key(item: InboxItem) -> tuple:
    return Cursor.after_item(item).sort_key()
