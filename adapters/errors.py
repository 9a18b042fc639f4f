"""Errors the adapters raise, whichever outside world they face. Each is one line a person can
act on, without secrets; each is transient or permanent as the application layer understands."""

from __future__ import annotations

from application.errors import PermanentError, TransientError, UnreadableDelivery

# --- PayTraq ---------------------------------------------------------------------------


class AmbiguousWrite(TransientError):
    """A POST was sent and no answer came back: PayTraq may or may not have done it."""


class UnreadableAnswer(ValueError):
    """PayTraq answered 200 with a body that is not the XML we expect."""


# --- Mozello ---------------------------------------------------------------------------


class InvalidShopData(PermanentError):
    """Mozello answered with an order or product we cannot read."""


class InvalidNotification(UnreadableDelivery):
    """The body is not a Mozello notification we can read; retrying will not change that."""


# --- storage ---------------------------------------------------------------------------


class SecretKeyError(PermanentError):
    """SALES_INBOX_SECRET_KEY (or the key file) is missing, malformed or not the one used."""


class ChannelAlreadyExists(PermanentError):
    def __init__(self, channel_id: str):
        super().__init__(f"channel {channel_id!r} already exists")
        self.channel_id = channel_id
