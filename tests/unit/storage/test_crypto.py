"""Credentials encrypted at rest: where the key comes from, and what a wrong key says."""

from __future__ import annotations

import stat

import pytest

from adapters.errors import SecretKeyError
from adapters.storage.crypto import ENV_KEY, SecretBox, load_secret_box
from application.errors import PermanentError


def test_without_a_configured_key_one_is_generated_once_into_a_private_file(tmp_path):
    # Given no SALES_INBOX_SECRET_KEY and no key file yet
    key_file = tmp_path / "var" / "secret.key"
    # When the box is loaded twice (two starts of the service)
    first = load_secret_box(key_file, environ={})
    key_written = key_file.read_text()
    second = load_secret_box(key_file, environ={})
    # Then the file exists with mode 0600, was not rewritten, and both boxes share the key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text() == key_written
    assert second.decrypt(first.encrypt(b"secret")) == b"secret"
    assert [p.name for p in key_file.parent.iterdir()] == ["secret.key"]  # no temporary left


def test_the_configured_key_wins_over_the_key_file(tmp_path):
    # Given a key in the environment
    key = SecretBox.generate_key()
    # When the box is loaded
    box = load_secret_box(tmp_path / "secret.key", environ={ENV_KEY: key})
    # Then no key file is made, and the box uses the configured key
    assert not (tmp_path / "secret.key").exists()
    assert SecretBox(key).decrypt(box.encrypt(b"x")) == b"x"


def test_outside_embedded_mode_a_missing_key_is_a_configuration_error():
    with pytest.raises(SecretKeyError, match=f"{ENV_KEY} is not set"):
        load_secret_box(key_file=None, environ={})


def test_a_malformed_key_is_refused_in_one_line_without_echoing_it():
    # Given a key that is not a Fernet key
    bad = "not-a-fernet-key-but-a-password"
    # When the box is made, Then a permanent, one-line error names the variable, not the value
    with pytest.raises(PermanentError) as caught:
        load_secret_box(environ={ENV_KEY: bad})
    message = str(caught.value)
    assert ENV_KEY in message and bad not in message and "\n" not in message


def test_credentials_encrypted_with_another_key_give_a_clear_error():
    # Given a token encrypted with one key
    token = SecretBox(SecretBox.generate_key()).encrypt(b'{"paytraq_api_key": "k"}')
    # When another key tries to read it
    with pytest.raises(SecretKeyError) as caught:
        SecretBox(SecretBox.generate_key()).decrypt(token)
    # Then the error says the key is not the one used, and is permanent
    assert "cannot be decrypted" in str(caught.value)
    assert isinstance(caught.value, PermanentError)


def test_an_old_key_still_decrypts_after_rotation():
    # Given credentials encrypted under the old key
    old, new = SecretBox.generate_key(), SecretBox.generate_key()
    token = SecretBox(old).encrypt(b"creds")
    # When the key setting lists the new key first and the old one after it
    rotated = SecretBox(f"{new},{old}")
    # Then the old token still opens, and new tokens use the new key
    assert rotated.decrypt(token) == b"creds"
    assert SecretBox(new).decrypt(rotated.encrypt(b"more")) == b"more"


def test_the_box_never_shows_its_key():
    key = SecretBox.generate_key()
    box = SecretBox(key)
    assert key not in repr(box) and key not in str(box)


def test_a_corrupt_key_file_is_named_in_the_error(tmp_path):
    # Given a key file someone edited by hand
    key_file = tmp_path / "secret.key"
    key_file.write_text("garbage\n")
    # When the box is loaded, Then the error points at the file, not at the variable
    with pytest.raises(SecretKeyError, match=f"key file {key_file} is not a valid Fernet key"):
        load_secret_box(key_file, environ={})
