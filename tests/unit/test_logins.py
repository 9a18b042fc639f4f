"""Logging in to the console: the right password lets a person in, guessing is locked out."""

from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.clock import SteppingClock
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.logins import LoginRefused, create_user, delete_user, log_in, session_user
from domain.users import LOCK_OUT_FOR, MAX_FAILURES, PasswordTooShort

# the KDF is the caller's choice; these tests need only a reversible stand-in
hash_password = "hashed:{}".format


def matches(hashed: str, password: str) -> bool:
    return bool(hashed) and hashed == hash_password(password)


class Console:
    def __init__(self):
        self.store = MemoryStore()
        self.clock = SteppingClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))

    def uow(self):
        return InMemoryUnitOfWork(self.store)

    def login(self, name, password, address="10.0.0.1"):
        return log_in(self.uow(), name, password, address, matches, self.clock)

    def actions(self):
        with self.uow() as uow:
            return [(a.user, a.action) for a in reversed(uow.actions.recent())]


@pytest.fixture
def console():
    c = Console()
    create_user(c.uow(), "anna", "correct horse battery", hash_password, c.clock)
    return c


def test_the_right_password_logs_the_user_in_and_is_recorded(console):
    user = console.login("anna", "correct horse battery")
    assert user.name == "anna"
    assert console.actions() == [("anna", "user_created"), ("anna", "logged_in")]


def test_a_wrong_password_is_refused_without_saying_whether_the_name_exists(console):
    with pytest.raises(LoginRefused) as wrong_password:
        console.login("anna", "wrong password!")
    with pytest.raises(LoginRefused) as no_such_user:
        console.login("nobody", "wrong password!")
    assert str(wrong_password.value) == str(no_such_user.value) == "wrong user name or password"
    assert ("anna", "login_failed") in console.actions()


def test_repeated_failures_lock_the_user_out_even_with_the_right_password(console):
    # Given MAX_FAILURES wrong passwords from different machines
    for attempt in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            console.login("anna", f"guess number {attempt}", address=f"10.0.1.{attempt}")
    # When the right password comes, Then the user is still locked out
    with pytest.raises(LoginRefused, match="too many failed logins"):
        console.login("anna", "correct horse battery", address="10.0.2.1")
    # And after the lock-out time the right password works again
    console.clock.current += LOCK_OUT_FOR + timedelta(seconds=1)
    assert console.login("anna", "correct horse battery").name == "anna"


def test_one_address_guessing_many_names_is_locked_out(console):
    for attempt in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            console.login(f"user{attempt}", "some password", address="192.0.2.9")
    with pytest.raises(LoginRefused, match="too many failed logins"):
        console.login("anna", "correct horse battery", address="192.0.2.9")
    assert console.login("anna", "correct horse battery", address="10.9.9.9").name == "anna"


def test_a_password_shorter_than_ten_characters_is_refused(console):
    with pytest.raises(PasswordTooShort):
        create_user(console.uow(), "bert", "short", hash_password, console.clock)


def test_a_session_names_its_user_only_until_the_password_changes_or_the_user_is_deleted(console):
    user = console.login("anna", "correct horse battery")
    stamp = user.session_stamp
    assert session_user(console.uow(), "anna", stamp) == user
    assert session_user(console.uow(), "anna", "forged") is None
    create_user(console.uow(), "anna", "another long password", hash_password, console.clock)
    assert session_user(console.uow(), "anna", stamp) is None
    fresh = console.login("anna", "another long password").session_stamp
    assert delete_user(console.uow(), "anna", "cli", console.clock)
    assert session_user(console.uow(), "anna", fresh) is None
    assert not delete_user(console.uow(), "anna", "cli", console.clock)
    with console.uow() as uow:
        assert uow.users.names() == []
    assert ("cli", "user_deleted") in console.actions()
