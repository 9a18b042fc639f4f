"""Stored credentials re-encrypted under the newest secret key, one row at a time.

While it runs, the box reads the new key and the old ones (SALES_INBOX_SECRET_KEY new,
SALES_INBOX_OLD_SECRET_KEYS old): every row is readable at every moment, whichever key holds it.
Each row is locked, re-encrypted and committed in its own transaction, so an interruption loses
nothing — a row is either still under an old key or already under the new one — and running again
finishes the job: rows already under the new key are left as they are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from adapters.storage.crypto import SecretBox
from adapters.storage.tables import channel_credentials
from adapters.storage.transaction import Transaction

table = channel_credentials


@dataclass
class KeyUsage:
    """Where the stored credentials stand: under the new key, or still under an old one."""

    current: list[str] = field(default_factory=list)
    old: list[str] = field(default_factory=list)


@dataclass
class Rotation:
    rotated: list[str] = field(default_factory=list)
    already_current: list[str] = field(default_factory=list)


def key_usage(engine: sa.Engine, box: SecretBox) -> KeyUsage:
    usage = KeyUsage()
    with engine.connect() as connection:
        for row in connection.execute(sa.select(table.c.channel_id, table.c.encrypted)
                                      .order_by(table.c.channel_id)):
            (usage.current if box.is_current(row.encrypted) else usage.old).append(row.channel_id)
    return usage


def rotate_credentials(engine: sa.Engine, box: SecretBox, *,
                       after_row: Callable[[str], None] | None = None,
                       lock_timeout: float = 10.0) -> Rotation:
    """Every channel's credentials under the box's first key. `after_row(channel_id)` runs after
    each row's commit (progress; tests stop the run there). A row no key opens raises
    SecretKeyError and stays as it was."""
    rotation = Rotation()
    with engine.connect() as connection:
        channel_ids = list(connection.execute(
            sa.select(table.c.channel_id).order_by(table.c.channel_id)).scalars())
    for channel_id in channel_ids:
        if _rotate_row(engine, box, channel_id, lock_timeout):
            rotation.rotated.append(channel_id)
        else:
            rotation.already_current.append(channel_id)
        if after_row is not None:
            after_row(channel_id)
    return rotation


def _rotate_row(engine: sa.Engine, box: SecretBox, channel_id: str, lock_timeout: float) -> bool:
    """True when the row was re-encrypted; False when already under the new key (or gone)."""
    transaction = Transaction(engine, lock_timeout)
    try:
        rows = transaction.read(
            sa.select(table.c.encrypted).where(table.c.channel_id == channel_id)
            .with_for_update(), lock=True)
        if not rows or box.is_current(rows[0]["encrypted"]):
            return False
        transaction.write(
            sa.update(table).where(table.c.channel_id == channel_id)
            .values(encrypted=box.rotate(rows[0]["encrypted"]), updated_at=datetime.now(UTC)))
        transaction.commit()
        return True
    finally:
        transaction.close()
