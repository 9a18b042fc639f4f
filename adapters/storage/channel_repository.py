"""Channels and their credentials; credentials are encrypted before they reach the database."""

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
from application.errors import UnknownChannel
from application.ports import ChannelCredentials, ChannelRepository
from domain.settings import Channel


def _channel(row: sa.RowMapping) -> Channel:
    return Channel(row["id"], row["name"], settings_from_dict(row["settings"]), row["active"],
                   row["created_at"])


class SqlChannelRepository(ChannelRepository):
    def __init__(self, transaction: Transaction, box: SecretBox):
        self._tx, self._box = transaction, box

    def get(self, channel_id: str) -> Channel | None:
        rows = self._tx.read(sa.select(channels).where(channels.c.id == channel_id))
        return _channel(rows[0]) if rows else None

    def add(self, channel: Channel, credentials: ChannelCredentials) -> None:
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
        statement = sa.select(channel_credentials.c.encrypted).where(
            channel_credentials.c.channel_id == channel_id
        )
        rows = self._tx.read(statement)
        if not rows:
            raise UnknownChannel(channel_id)
        plaintext = self._box.decrypt(rows[0]["encrypted"])
        return credentials_from_dict(json.loads(plaintext))

    def set_credentials(self, channel_id: str, credentials: ChannelCredentials) -> None:
        plaintext = json.dumps(credentials_to_dict(credentials)).encode("utf-8")
        values = {
            "channel_id": channel_id,
            "encrypted": self._box.encrypt(plaintext),
            "updated_at": datetime.now(UTC),
        }
        self._tx.write(upsert(self._tx.dialect, channel_credentials, values))
