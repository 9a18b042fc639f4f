"""E-mailing the sale document to the buyer, and the record of e-mails Sales Inbox sent itself.

PayTraq keeps its own MessageLog; when the shop's SMTP server sends the document instead,
nothing outside remembers it, so the mailer asks the sent-mail log before sending and writes to
it as soon as the server has accepted the message: a document is e-mailed at most once.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime

from application.ports.accounting import SaleRecord
from domain.inbox import InboxItem


class MailerPort(abc.ABC):
    via: str = "paytraq"

    @abc.abstractmethod
    def send_document(self, item: InboxItem, sale: SaleRecord, to: str) -> None:
        """Send the sale document to the client, at most once per document."""

    @abc.abstractmethod
    def already_sent(self, item: InboxItem, sale: SaleRecord) -> bool: ...


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
