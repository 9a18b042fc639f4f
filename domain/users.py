"""The people who work in the console: users, and the rule that locks out password guessing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 5
LOCK_OUT_FOR = timedelta(minutes=15)


class PasswordTooShort(ValueError):
    def __init__(self) -> None:
        super().__init__(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


class InvalidUserName(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"user name {name!r}: use 1-64 letters, digits, '.', '_' or '-'")


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort()


def check_user_name(name: str) -> str:
    if not (0 < len(name) <= 64) or not all(c.isalnum() or c in "._-" for c in name):
        raise InvalidUserName(name)
    return name


@dataclass(frozen=True, slots=True)
class User:
    name: str
    password_hash: str  # a standard KDF's self-describing hash (scrypt), never the password
    created_at: datetime

    def __repr__(self) -> str:
        return f"User({self.name!r})"

    @property
    def session_stamp(self) -> str:
        """What a logged-in session remembers of its user: it changes with the password, so a
        new password (or a deleted user) ends every session opened before it."""
        return hashlib.sha256(b"session\0" + self.password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class FailedLogins:
    """Wrong passwords given for one user name, or from one client address."""

    key: str  # "user:<name>" or "address:<ip>"
    failures: int
    last_at: datetime
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_failure(self, now: datetime) -> FailedLogins:
        """One more wrong password; the MAX_FAILURES-th locks the key for LOCK_OUT_FOR. A key
        quiet for LOCK_OUT_FOR starts counting afresh."""
        failures = 1 if now - self.last_at > LOCK_OUT_FOR else self.failures + 1
        locked_until = now + LOCK_OUT_FOR if failures >= MAX_FAILURES else self.locked_until
        return replace(self, failures=failures, last_at=now, locked_until=locked_until)

    @classmethod
    def first(cls, key: str, now: datetime) -> FailedLogins:
        return cls(key, 0, now).after_failure(now)


@dataclass(frozen=True, slots=True)
class PersonAction:
    """Something a person did in the console: who, when, what, to which order or channel."""

    at: datetime
    user: str
    action: str
    channel_id: str | None = None
    order_id: str | None = None
    detail: str = ""
