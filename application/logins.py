"""Users of the console: creating one, and logging in with a lock-out after repeated failures
(per user name and per client address, so neither one name nor one machine can keep guessing).

The password KDF is given by the caller (`hash_password`, `password_matches`): the application
never sees how a hash is made, only whether a password matches it."""

from __future__ import annotations

from collections.abc import Callable

from application.errors import SalesInboxError
from application.ports import Clock, UnitOfWork
from domain.users import FailedLogins, PersonAction, User, check_password_rules, check_user_name


class LoginRefused(SalesInboxError):
    """Wrong name or password, or locked out for a while; deliberately not saying which name."""

    def __init__(self, locked: bool):
        super().__init__("too many failed logins: try again later" if locked
                         else "wrong user name or password")
        self.locked = locked


def create_user(uow: UnitOfWork, name: str, password: str,
                hash_password: Callable[[str], str], clock: Clock) -> User:
    """A new user, or a new password for an existing one. Raises ValueError on a bad name or a
    password shorter than the rule allows."""
    check_user_name(name)
    check_password_rules(password)
    user = User(name, hash_password(password), clock.now())
    with uow:
        existing = uow.users.get(name)
        uow.users.add(user if existing is None else User(name, user.password_hash,
                                                         existing.created_at))
        uow.actions.record(PersonAction(clock.now(), name, "password_changed" if existing
                                        else "user_created"))
        uow.commit()
    return user


def _keys(name: str, address: str) -> tuple[str, str]:
    return f"user:{name.lower()}", f"address:{address}"


def log_in(uow: UnitOfWork, name: str, password: str, address: str,
           password_matches: Callable[[str, str], bool], clock: Clock) -> User:
    now = clock.now()
    with uow:
        counted = [uow.login_failures.get(key) for key in _keys(name, address)]
        if any(f is not None and f.locked(now) for f in counted):
            raise LoginRefused(locked=True)
        user = uow.users.get(name)
        # an unknown name costs the same KDF work as a known one: timing tells no names
        matches = password_matches(user.password_hash if user else "", password)
        if user is not None and matches:
            uow.login_failures.clear(_keys(name, address)[0])
            uow.actions.record(PersonAction(now, user.name, "logged_in", detail=address))
            uow.commit()
            return user
        for key, failures in zip(_keys(name, address), counted, strict=True):
            uow.login_failures.put(failures.after_failure(now) if failures
                                   else FailedLogins.first(key, now))
        uow.actions.record(PersonAction(now, name[:64], "login_failed", detail=address))
        uow.commit()
    raise LoginRefused(locked=False)


def session_user(uow: UnitOfWork, name: str, stamp: str) -> User | None:
    """The user a session names, while it still may act: None once the user is deleted or has
    a new password."""
    with uow:
        user = uow.users.get(name)
    return user if user is not None and user.session_stamp == stamp else None


def delete_user(uow: UnitOfWork, name: str, by: str, clock: Clock) -> bool:
    """Remove a user; their open sessions end at their next request. False: no such user."""
    with uow:
        if uow.users.get(name) is None:
            return False
        uow.users.remove(name)
        uow.actions.record(PersonAction(clock.now(), by, "user_deleted", detail=name))
        uow.commit()
    return True
