"""`sales-inbox keys …` as an operator runs it: generate a key, restart with new + old, rotate,
check, drop the old key."""

from __future__ import annotations

import pytest

from adapters.storage.crypto import SecretBox
from adapters.storage.engine import make_engine
from adapters.storage.migrate import migrate
from adapters.storage.uow import SqlAlchemyUnitOfWork
from application.ports import ChannelCredentials
from tests.integration.cli.conftest import human_lines, run_script
from tests.unit.storage.examples import rich_channel

pytestmark = pytest.mark.integration


@pytest.fixture
def deployment(tmp_path):
    """A database with two channels stored under the key in use."""
    old = SecretBox.generate_key()
    url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    with SqlAlchemyUnitOfWork(engine, SecretBox(old)) as uow:
        for channel_id in ("shop-a", "shop-b"):
            uow.channels.add(rich_channel(channel_id),
                             ChannelCredentials(paytraq_api_token=f"token-{channel_id}"))
        uow.commit()
    engine.dispose()
    env = {"SALES_INBOX_DATABASE_URL": url, "SALES_INBOX_VAR_DIR": str(tmp_path / "var"),
           "SALES_INBOX_LOG_FORMAT": "json", "SALES_INBOX_SECRET_KEY": old,
           "SALES_INBOX_OLD_SECRET_KEYS": ""}
    return env, engine


def test_an_operator_rotates_the_key_without_losing_a_credential(deployment):
    env, engine = deployment
    old = env["SALES_INBOX_SECRET_KEY"]
    # Given a new key from `keys generate`, configured with the old one kept for reading
    generated = run_script(env, "keys", "generate")
    assert generated.returncode == 0, generated.stderr
    new = generated.stdout.strip()
    SecretBox(new)  # a valid Fernet key
    during = {**env, "SALES_INBOX_SECRET_KEY": new, "SALES_INBOX_OLD_SECRET_KEYS": old}
    before = run_script(during, "keys", "status")
    assert before.returncode == 3 and "0 credential(s) under the new key, 2 under an old key" in (
        before.stdout)
    # When the operator rotates
    rotated = run_script(during, "keys", "rotate")
    # Then both credentials moved, the status is clean, and the new key alone reads them
    assert rotated.returncode == 0, rotated.stderr
    assert "re-encrypted 2, already under the new key 0" in rotated.stdout
    assert "remove SALES_INBOX_OLD_SECRET_KEYS" in rotated.stdout
    assert run_script(during, "keys", "status").returncode == 0
    with SqlAlchemyUnitOfWork(make_engine(env["SALES_INBOX_DATABASE_URL"]), SecretBox(new)) as uow:
        assert uow.channels.credentials("shop-b").paytraq_api_token == "token-shop-b"
    # and neither key was ever printed by the rotation
    assert old not in rotated.stdout + rotated.stderr and new not in rotated.stdout + rotated.stderr


def test_rotating_with_the_old_key_missing_stops_with_one_clear_line(deployment):
    env, _ = deployment
    # Given a new key configured but the old one forgotten
    forgot = {**env, "SALES_INBOX_SECRET_KEY": SecretBox.generate_key()}
    # When the operator rotates
    result = run_script(forgot, "keys", "rotate")
    # Then it refuses in one line, and nothing was changed
    assert result.returncode == 1
    assert human_lines(result.stderr) == [
        "error: stored credentials cannot be decrypted: the key in SALES_INBOX_SECRET_KEY is "
        "not the one they were encrypted with"]
    assert run_script(env, "keys", "status").returncode == 0  # still all under the old key


def test_rotation_needs_the_key_in_the_environment(deployment):
    env, _ = deployment
    result = run_script({**env, "SALES_INBOX_SECRET_KEY": ""}, "keys", "rotate")
    assert result.returncode == 1
    assert "set SALES_INBOX_SECRET_KEY to the new key" in result.stderr
