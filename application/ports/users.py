"""Storage ports for the console's people: users, failed logins, and what each person did."""

from __future__ import annotations

import abc

from domain.users import FailedLogins, PersonAction, User


class UserRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, name: str) -> User | None: ...

    @abc.abstractmethod
    def add(self, user: User) -> None:
        """Store a new user, or replace the password of an existing one."""

    @abc.abstractmethod
    def count(self) -> int: ...

    @abc.abstractmethod
    def names(self) -> list[str]:
        """Every user's name, sorted."""

    @abc.abstractmethod
    def remove(self, name: str) -> None: ...


class LoginFailures(abc.ABC):
    @abc.abstractmethod
    def get(self, key: str) -> FailedLogins | None: ...

    @abc.abstractmethod
    def put(self, failures: FailedLogins) -> None: ...

    @abc.abstractmethod
    def clear(self, key: str) -> None: ...


class ActionLog(abc.ABC):
    @abc.abstractmethod
    def record(self, action: PersonAction) -> None: ...

    @abc.abstractmethod
    def recent(self, channel_id: str | None = None, order_id: str | None = None,
               limit: int = 50) -> list[PersonAction]:
        """Newest first; of one channel (and order) when given."""
