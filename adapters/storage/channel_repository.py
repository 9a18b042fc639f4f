"""Channels and their credentials; credentials are encrypted before they reach the database.

A unit of work is one message or request: a channel and its credentials are read once in it, by
one statement (the worker's receive, trigger and processing steps share the reading; the
credentials are decrypted only when asked for), and read again after this unit of work changes
them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa

from adapters.errors import ChannelAlreadyExists
from adapters.storage.crypto import SecretBox
from adapters.storage.serialisation import (
    credentials_from_dict,
    credentials_to_dict,
    settings_from_dict,
    settings_to_dict,
)
from adapters.storage.tables import channel_credentials, channels
from adapters.storage.transaction import Transaction
from adapters.storage.upsert import upsert
from adapters.storage.webhook_keys import WebhookKeyCache
from application.errors import UnknownChannel
from application.ports import ChannelCredentials, ChannelRepository
from domain.settings import Channel

_GET = (sa.select(channels, channel_credentials.c.encrypted)  # the channel and its credentials
        .select_from(channels.outerjoin(channel_credentials))
        .where(channels.c.id == sa.bindparam("channel_id")))
_CREDENTIALS = sa.select(channel_credentials.c.encrypted).where(
    channel_credentials.c.channel_id == sa.bindparam("channel_id"))


def _channel(row: sa.RowMapping) -> Channel:
    return Channel(row["id"], row["name"], settings_from_dict(row["settings"]), row["active"],
                   row["created_at"])


class SqlChannelRepository(ChannelRepository):
    def __init__(self, transaction: Transaction, box: SecretBox,
                 seen: dict[tuple[str, str], object] | None = None,
                 keys: WebhookKeyCache | None = None):
        self._tx, self._box = transaction, box
        self._seen = {} if seen is None else seen  # what this unit of work has read
        self.wrote = False  # changed a channel in this transaction: a rollback forgets `seen`
        self._keys = keys or WebhookKeyCache()  # the process's (adapters/storage/webhook_keys.py)
        self._new_credentials: set[str] = set()  # channels whose credentials this one wrote

    def get(self, channel_id: str) -> Channel | None:
        key = ("channel", channel_id)
        if key not in self._seen:
            rows = self._tx.read(_GET, params={"channel_id": channel_id})
            if not rows:
                return None
            self._seen[key] = _channel(rows[0])
            if rows[0]["encrypted"] is not None:  # decrypted only when asked for
                self._seen[("encrypted", channel_id)] = rows[0]["encrypted"]
        return self._seen[key]

    def _changed(self, channel_id: str) -> None:
        self.wrote = True
        self._seen.pop(("channel", channel_id), None)
        self._seen.pop(("credentials", channel_id), None)
        self._seen.pop(("encrypted", channel_id), None)

    def add(self, channel: Channel, credentials: ChannelCredentials) -> None:
        self._changed(channel.id)
        now = datetime.now(UTC)
        if self._tx.read(sa.select(channels.c.id).where(channels.c.id == channel.id), lock=True):
            raise ChannelAlreadyExists(channel.id)
        self._tx.write(
            sa.insert(channels).values(
                id=channel.id,
                name=channel.name,
                settings=settings_to_dict(channel.settings),
                active=channel.active,
                created_at=channel.created_at or now,
                updated_at=now,
            )
        )
        self.set_credentials(channel.id, credentials)

    def update(self, channel: Channel) -> None:
        self._changed(channel.id)
        statement = (
            sa.update(channels)
            .where(channels.c.id == channel.id)
            .values(
                name=channel.name,
                settings=settings_to_dict(channel.settings),
                active=channel.active,
                updated_at=datetime.now(UTC),
            )
        )
        if self._tx.write(statement).rowcount != 1:
            raise UnknownChannel(channel.id)

    def list(self) -> list[Channel]:
        return [_channel(row) for row in self._tx.read(sa.select(channels).order_by(channels.c.name))]

    def credentials(self, channel_id: str) -> ChannelCredentials:
        key = ("credentials", channel_id)
        if key not in self._seen:
            encrypted = self._seen.get(("encrypted", channel_id))
            if encrypted is None:
                rows = self._tx.read(_CREDENTIALS, params={"channel_id": channel_id})
                if not rows:
                    raise UnknownChannel(channel_id)
                encrypted = rows[0]["encrypted"]
            plaintext = self._box.decrypt(encrypted)
            self._seen[key] = credentials_from_dict(json.loads(plaintext))
        return self._seen[key]

    def webhook_key(self, channel_id: str, fresh: bool = False) -> str | None:
        """The credentials row alone (a channel has one from `add` on), through the process's
        cache; credentials written but not yet committed here are not cached."""
        mine = channel_id in self._new_credentials
        key = None if fresh or mine else self._keys.get(channel_id)
        if key is not None:
            return key
        reading = self._keys.reading()
        rows = self._tx.read(_CREDENTIALS, params={"channel_id": channel_id})
        if not rows:
            return None
        plaintext = self._box.decrypt(rows[0]["encrypted"])
        key = credentials_from_dict(json.loads(plaintext)).mozello_api_key
        if not mine:
            self._keys.put(channel_id, key, reading)
        return key

    def set_credentials(self, channel_id: str, credentials: ChannelCredentials) -> None:
        self._changed(channel_id)
        plaintext = json.dumps(credentials_to_dict(credentials)).encode("utf-8")
        values = {
            "channel_id": channel_id,
            "encrypted": self._box.encrypt(plaintext),
            "updated_at": datetime.now(UTC),
        }
        self._tx.write(upsert(self._tx.dialect, channel_credentials, values))
        self._new_credentials.add(channel_id)

    def committed(self) -> None:
        """The unit of work committed: this process's cached keys of changed channels go."""
        if self._new_credentials:
            self._keys.forget(self._new_credentials)
            self._new_credentials = set()
