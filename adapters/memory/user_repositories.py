"""In-memory users, failed logins and person actions; written on commit, like the database."""

from __future__ import annotations

from adapters.memory.store import MemoryStore
from application.ports import ActionLog, LoginFailures, UserRepository
from domain.users import FailedLogins, PersonAction, User


class MemoryUsers(UserRepository):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: dict[str, User | None] = {}

    def get(self, name: str) -> User | None:
        return self.new[name] if name in self.new else self.store.users.get(name)

    def add(self, user: User) -> None:
        self.new[user.name] = user

    def count(self) -> int:
        names = {*self.store.users, *self.new}
        return len([n for n in names if self.get(n) is not None])

    def names(self) -> list[str]:
        return sorted(n for n in {*self.store.users, *self.new} if self.get(n) is not None)

    def remove(self, name: str) -> None:
        self.new[name] = None

    def apply(self) -> None:
        for name, user in self.new.items():
            if user is None:
                self.store.users.pop(name, None)
            else:
                self.store.users[name] = user
        self.discard()

    def discard(self) -> None:
        self.new = {}


class MemoryLoginFailures(LoginFailures):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: dict[str, FailedLogins | None] = {}

    def get(self, key: str) -> FailedLogins | None:
        return self.new[key] if key in self.new else self.store.login_failures.get(key)

    def put(self, failures: FailedLogins) -> None:
        self.new[failures.key] = failures

    def clear(self, key: str) -> None:
        self.new[key] = None

    def apply(self) -> None:
        for key, value in self.new.items():
            if value is None:
                self.store.login_failures.pop(key, None)
            else:
                self.store.login_failures[key] = value
        self.discard()

    def discard(self) -> None:
        self.new = {}


class MemoryActionLog(ActionLog):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: list[PersonAction] = []

    def record(self, action: PersonAction) -> None:
        self.new.append(action)

    def recent(self, channel_id: str | None = None, order_id: str | None = None,
               limit: int = 50) -> list[PersonAction]:
        with self.store.lock:
            actions = [*self.store.person_actions, *self.new]
        wanted = [a for a in actions if (channel_id is None or a.channel_id == channel_id)
                  and (order_id is None or a.order_id == order_id)]
        return sorted(wanted, key=lambda a: a.at, reverse=True)[:limit]

    def apply(self) -> None:
        self.store.person_actions.extend(self.new)
        self.discard()

    def discard(self) -> None:
        self.new = []
