"""The password KDF of the console: werkzeug's scrypt (a salted, self-describing hash)."""

from __future__ import annotations

import functools
import secrets

from werkzeug.security import check_password_hash, generate_password_hash


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@functools.cache
def _decoy() -> str:
    return hash_password(secrets.token_urlsafe(16))


def password_matches(password_hash: str, password: str) -> bool:
    """An empty hash (no such user) is checked against a decoy, as slowly as a real one."""
    if not password_hash:
        check_password_hash(_decoy(), password)
        return False
    return check_password_hash(password_hash, password)
