"""The record of e-mails Sales Inbox sent itself: a document is e-mailed at most once.

PayTraq keeps its own MessageLog; when the shop's SMTP server sends the document instead,
nothing outside remembers it, so the mailer asks this log before sending and writes to it as
soon as the server has accepted the message.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SentMail:
    """One document e-mailed to one buyer; (channel_id, document_id) is the natural key."""

    channel_id: str
    document_id: str
    message_id: str
    order_id: str
    recipient: str
    sent_at: datetime


class SentMailLog(abc.ABC):
    @abc.abstractmethod
    def find(self, channel_id: str, document_id: str) -> SentMail | None:
        """The e-mail already sent for this document of this channel, if any."""

    @abc.abstractmethod
    def record(self, mail: SentMail) -> None:
        """Remember a sent e-mail; recording the same document again keeps the first record."""
