"""`sales-inbox keys rotate` on the real databases: every stored credential moves to the new key,
one row per transaction, readable all along; an interrupted run loses nothing and a second run
finishes it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from adapters.errors import SecretKeyError
from adapters.storage.crypto import SecretBox
from adapters.storage.key_rotation import key_usage, rotate_credentials
from adapters.storage.tables import channel_credentials
from adapters.storage.uow import SqlAlchemyUnitOfWork
from application.ports import ChannelCredentials
from tests.unit.storage.examples import rich_channel

pytestmark = pytest.mark.integration

OLD, NEW = SecretBox.generate_key(), SecretBox.generate_key()
CHANNELS = [f"shop-{n}" for n in range(1, 6)]


class Interrupted(Exception):
    pass


def secret_of(channel_id: str) -> ChannelCredentials:
    return ChannelCredentials(paytraq_api_key=f"pt-key-{channel_id}",
                              paytraq_api_token=f"pt-token-{channel_id}",
                              mozello_api_key=f"mz-key-{channel_id}")


@pytest.fixture
def engine(database):
    """Five channels whose credentials were stored under the old key."""
    with SqlAlchemyUnitOfWork(database.engine, SecretBox(OLD)) as uow:
        for channel_id in CHANNELS:
            uow.channels.add(rich_channel(channel_id), secret_of(channel_id))
        uow.commit()
    return database.engine


def credentials(engine, keys: str) -> dict[str, ChannelCredentials]:
    with SqlAlchemyUnitOfWork(engine, SecretBox(keys)) as uow:
        return {channel_id: uow.channels.credentials(channel_id) for channel_id in CHANNELS}


def stored_tokens(engine) -> dict[str, bytes]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(channel_credentials.c.channel_id,
                                            channel_credentials.c.encrypted))
        return {row.channel_id: bytes(row.encrypted) for row in rows}


def test_every_credential_moves_to_the_new_key(engine):
    # Given credentials under the old key, and the service configured with new + old
    during_the_change = SecretBox(f"{NEW},{OLD}")
    # When the rotation runs
    rotation = rotate_credentials(engine, during_the_change)
    # Then every row was re-encrypted, and the new key alone reads them all, unchanged
    assert rotation.rotated == CHANNELS
    assert key_usage(engine, during_the_change).old == []
    assert credentials(engine, NEW) == {c: secret_of(c) for c in CHANNELS}


def test_the_service_reads_every_credential_at_every_step_of_the_rotation(engine):
    # Given the service running with new + old keys while the rotation goes row by row
    seen_after_each_row = []

    def service_reads(_channel_id: str) -> None:
        seen_after_each_row.append(credentials(engine, f"{NEW},{OLD}"))

    # When the rotation runs
    rotate_credentials(engine, SecretBox(f"{NEW},{OLD}"), after_row=service_reads)
    # Then at no moment was a credential unreadable or different
    assert seen_after_each_row == [{c: secret_of(c) for c in CHANNELS}] * len(CHANNELS)


def test_an_interrupted_rotation_loses_nothing_and_a_rerun_finishes_it(engine):
    box = SecretBox(f"{NEW},{OLD}")

    def fail_after_two_rows(channel_id: str) -> None:
        if channel_id == CHANNELS[1]:
            raise Interrupted()

    # Given a rotation interrupted after its second row
    with pytest.raises(Interrupted):
        rotate_credentials(engine, box, after_row=fail_after_two_rows)
    # Then two rows are under the new key, three still under the old one, all readable
    usage = key_usage(engine, box)
    assert (usage.current, usage.old) == (CHANNELS[:2], CHANNELS[2:])
    assert credentials(engine, f"{NEW},{OLD}") == {c: secret_of(c) for c in CHANNELS}
    # When it runs again
    rerun = rotate_credentials(engine, box)
    # Then it re-encrypts only the rest, and the new key alone reads everything
    assert (rerun.rotated, rerun.already_current) == (CHANNELS[2:], CHANNELS[:2])
    assert credentials(engine, NEW) == {c: secret_of(c) for c in CHANNELS}


def test_running_the_rotation_again_changes_nothing(engine):
    box = SecretBox(f"{NEW},{OLD}")
    rotate_credentials(engine, box)
    before = stored_tokens(engine)
    again = rotate_credentials(engine, box)
    assert (again.rotated, again.already_current) == ([], CHANNELS)
    assert stored_tokens(engine) == before


def test_a_credential_no_configured_key_opens_stops_the_rotation_and_stays_as_it_was(engine):
    # Given the operator forgot the old key (only the new one is configured)
    before = stored_tokens(engine)
    # When the rotation runs, Then it stops with a clear error
    with pytest.raises(SecretKeyError, match="cannot be decrypted"):
        rotate_credentials(engine, SecretBox(NEW))
    # and every row is as it was: the old key still opens them all
    assert stored_tokens(engine) == before
    assert credentials(engine, OLD) == {c: secret_of(c) for c in CHANNELS}
