"""Errors the storage adapter raises; each is one line a person can act on, without secrets."""

from __future__ import annotations

from application.errors import PermanentError


class SecretKeyError(PermanentError):
    """SALES_INBOX_SECRET_KEY (or the key file) is missing, malformed or not the one used."""


class ChannelAlreadyExists(PermanentError):
    def __init__(self, channel_id: str):
        super().__init__(f"channel {channel_id!r} already exists")
        self.channel_id = channel_id
