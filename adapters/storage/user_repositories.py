"""Users, failed logins and person actions in the database."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.storage.tables import login_failures, person_actions, users
from adapters.storage.transaction import Transaction
from adapters.storage.upsert import upsert
from application.ports import ActionLog, LoginFailures, UserRepository
from domain.users import FailedLogins, PersonAction, User

MAX_DETAIL = 2000


class SqlUsers(UserRepository):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def get(self, name: str) -> User | None:
        rows = self._tx.read(sa.select(users).where(users.c.name == name))
        return User(**rows[0]) if rows else None

    def add(self, user: User) -> None:
        values = {"name": user.name, "password_hash": user.password_hash,
                  "created_at": user.created_at}
        self._tx.write(upsert(self._tx.dialect, users, values))

    def count(self) -> int:
        statement = sa.select(sa.func.count().label("n")).select_from(users)
        return self._tx.read(statement)[0]["n"]

    def names(self) -> list[str]:
        return [row["name"] for row in self._tx.read(sa.select(users.c.name).order_by(users.c.name))]

    def remove(self, name: str) -> None:
        self._tx.write(sa.delete(users).where(users.c.name == name))


class SqlLoginFailures(LoginFailures):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def get(self, key: str) -> FailedLogins | None:
        rows = self._tx.read(sa.select(login_failures).where(login_failures.c.key == key))
        return FailedLogins(**rows[0]) if rows else None

    def put(self, failures: FailedLogins) -> None:
        values = {"key": failures.key, "failures": failures.failures,
                  "last_at": failures.last_at, "locked_until": failures.locked_until}
        self._tx.write(upsert(self._tx.dialect, login_failures, values))

    def clear(self, key: str) -> None:
        self._tx.write(sa.delete(login_failures).where(login_failures.c.key == key))


_ACTION_COLUMNS = [c for c in person_actions.columns if c.name != "id"]


class SqlActionLog(ActionLog):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def record(self, action: PersonAction) -> None:
        values = {c.name: getattr(action, c.name) for c in _ACTION_COLUMNS}
        values["detail"] = action.detail[:MAX_DETAIL]
        self._tx.write(sa.insert(person_actions).values(**values))

    def recent(self, channel_id: str | None = None, order_id: str | None = None,
               limit: int = 50) -> list[PersonAction]:
        statement = sa.select(*_ACTION_COLUMNS).order_by(person_actions.c.at.desc(),
                                                         person_actions.c.id.desc())
        if channel_id is not None:
            statement = statement.where(person_actions.c.channel_id == channel_id)
        if order_id is not None:
            statement = statement.where(person_actions.c.order_id == order_id)
        return [PersonAction(**row) for row in self._tx.read(statement.limit(limit))]
