"""Users, failed logins and person actions behave alike on every storage backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.users import FailedLogins, PersonAction, User

pytestmark = pytest.mark.integration
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_user_comes_back_and_a_new_password_replaces_the_old(backend):
    with backend.new_uow() as uow:
        uow.users.add(User("anna", "scrypt:old", T0))
        uow.commit()
    with backend.new_uow() as uow:
        assert uow.users.get("anna") == User("anna", "scrypt:old", T0)
        uow.users.add(User("anna", "scrypt:new", T0))
        uow.commit()
    with backend.new_uow() as uow:
        assert uow.users.get("anna").password_hash == "scrypt:new"
        assert uow.users.count() == 1
        assert uow.users.get("bert") is None
        uow.users.remove("anna")
        uow.commit()
    with backend.new_uow() as uow:
        assert uow.users.get("anna") is None and uow.users.count() == 0


def test_failed_logins_are_kept_until_cleared(backend):
    failures = FailedLogins("address:10.0.0.1", 5, T0, T0 + timedelta(minutes=15))
    with backend.new_uow() as uow:
        uow.login_failures.put(failures)
        uow.commit()
    with backend.new_uow() as uow:
        assert uow.login_failures.get("address:10.0.0.1") == failures
        uow.login_failures.clear("address:10.0.0.1")
        uow.commit()
    with backend.new_uow() as uow:
        assert uow.login_failures.get("address:10.0.0.1") is None


def test_person_actions_are_listed_newest_first_per_order(backend):
    with backend.new_uow() as uow:
        uow.actions.record(PersonAction(T0, "anna", "process", "shop-a", "M-1", ""))
        uow.actions.record(PersonAction(T0 + timedelta(seconds=1), "bert", "ignore", "shop-a",
                                        "M-1", "test order"))
        uow.actions.record(PersonAction(T0 + timedelta(seconds=2), "anna", "logged_in"))
        uow.commit()
    with backend.new_uow() as uow:
        assert [a.action for a in uow.actions.recent()] == ["logged_in", "ignore", "process"]
        (latest, _) = uow.actions.recent("shop-a", "M-1")
        assert latest == PersonAction(T0 + timedelta(seconds=1), "bert", "ignore", "shop-a",
                                      "M-1", "test order")


def test_actions_not_committed_are_lost(backend):
    with backend.new_uow() as uow:
        uow.actions.record(PersonAction(T0, "anna", "process"))
        uow.users.add(User("anna", "scrypt:x", T0))
    with backend.new_uow() as uow:
        assert uow.actions.recent() == [] and uow.users.get("anna") is None
