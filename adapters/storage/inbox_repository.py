"""Inbox items: loaded into an identity map, written on commit with an optimistic version check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from adapters.storage.column_types import UtcDateTime
from adapters.storage.owed_work_sql import owed_work_clauses
from adapters.storage.rows import item_from_row, item_to_row
from adapters.storage.tables import inbox_items
from adapters.storage.transaction import Transaction
from application.errors import ConcurrentUpdate, DuplicateInboxItem, UnknownChannel
from application.inbox_listing import MAX_PAGE, Cursor, InboxPage, InboxQuery
from application.ports import InboxRepository
from domain.inbox import InboxItem, InboxStatus
from domain.owed_work import OwedWork
from domain.retry_schedule import SOONEST

Key = tuple[str, str]
_COLUMNS = [c for c in inbox_items.columns if c.name != "id"]


class SqlInboxRepository(InboxRepository):
    def __init__(self, transaction: Transaction):
        self._tx = transaction
        self.seen: dict[Key, InboxItem] = {}
        self._stored: dict[Key, dict[str, Any]] = {}  # the row as last read or written
        self._written: list[tuple[Key, dict[str, Any]]] = []

    def get(self, channel_id: str, order_id: str, for_update: bool = False) -> InboxItem | None:
        key = (channel_id, order_id)
        if key in self.seen and not for_update:
            return self.seen[key]
        statement = sa.select(*_COLUMNS).where(
            inbox_items.c.channel_id == channel_id, inbox_items.c.order_id == order_id
        )
        if for_update:
            statement = statement.with_for_update()
        rows = self._tx.read(statement, lock=for_update)
        if key in self.seen:  # locked now; keep handing out the same object
            return self.seen[key]
        if not rows:
            return None
        item = item_from_row(rows[0])
        self.seen[key], self._stored[key] = item, item_to_row(item)
        return item

    def add(self, item: InboxItem) -> None:
        self.seen[(item.channel_id, item.order_id)] = item

    def list(self, channel_id: str | None = None, status: InboxStatus | None = None) -> list[InboxItem]:
        statement = sa.select(*_COLUMNS).order_by(inbox_items.c.received_at, inbox_items.c.id)
        if channel_id is not None:
            statement = statement.where(inbox_items.c.channel_id == channel_id)
        if status is not None:
            statement = statement.where(inbox_items.c.status == InboxStatus(status).value)
        return [item_from_row(row) for row in self._tx.read(statement)]

    def page(self, query: InboxQuery, limit: int = 50, after: Cursor | None = None) -> InboxPage:
        limit = max(1, min(limit, MAX_PAGE))
        order = (inbox_items.c.received_at, inbox_items.c.channel_id, inbox_items.c.order_id)
        statement = sa.select(*_COLUMNS).where(*_filters(query))
        if after is not None:
            statement = statement.where(sa.tuple_(*order) < sa.tuple_(
                sa.literal(after.received_at, UtcDateTime), sa.literal(after.channel_id),
                sa.literal(after.order_id)))
        statement = statement.order_by(*(c.desc() for c in order)).limit(limit + 1)
        rows = self._tx.read(statement)
        items = [item_from_row(row) for row in rows[:limit]]
        more = len(rows) > limit
        return InboxPage(items, Cursor.after_item(items[-1]).encode() if more else None)

    def count_by_status(self, query: InboxQuery) -> dict[InboxStatus, int]:
        statement = (sa.select(inbox_items.c.status, sa.func.count().label("n"))
                     .where(*_filters(query.without_status()))
                     .group_by(inbox_items.c.status))
        return {InboxStatus(row["status"]): row["n"] for row in self._tx.read(statement)}

    def payment_methods(self, channel_id: str) -> set[str]:
        method = inbox_items.c.order["payment_method"].as_string()
        statement = (sa.select(method.label("method")).distinct()
                     .where(inbox_items.c.channel_id == channel_id))
        return {row["method"] for row in self._tx.read(statement) if row["method"]}

    def count_by_channel_and_status(self) -> dict[tuple[str, InboxStatus], int]:
        c = inbox_items.c
        statement = (sa.select(c.channel_id, c.status, sa.func.count().label("n"))
                     .group_by(c.channel_id, c.status))
        return {(row["channel_id"], InboxStatus(row["status"])): row["n"]
                for row in self._tx.read(statement)}

    def awaiting_work(self, channel_id: str, owed: OwedWork, touched_before: datetime,
                      progress_since: datetime | None = None) -> list[InboxItem]:
        """One query per kind of item (each answered by its own index), merged."""
        c = inbox_items.c
        last_change = sa.func.coalesce(c.updated_at, c.received_at)
        found = []
        # no item is due sooner than SOONEST after its last change: a revisit due by now
        for clause in owed_work_clauses(owed, progress_since, touched_before + SOONEST):
            statement = sa.select(*_COLUMNS).where(
                c.channel_id == channel_id, clause,
                last_change < sa.literal(touched_before, UtcDateTime))
            found += [item_from_row(row) for row in self._tx.read(statement)]
        return sorted(found, key=lambda item: item.updated_at or item.received_at)

    # --- called by the unit of work ---------------------------------------------------
    def flush(self) -> None:
        """Write every new or changed item; the versions move on only in `committed()`."""
        self._written = []
        for key, item in self.seen.items():
            row = item_to_row(item)
            if row == self._stored.get(key):
                continue
            if item.version == 0 and key not in self._stored:
                self._insert(item, row)
            else:
                self._update(item, row)
            self._written.append((key, row))

    def committed(self) -> None:
        for key, row in self._written:
            item = self.seen[key]
            item.version += 1
            self._stored[key] = {**row, "version": item.version}
        self._written = []

    def forget(self) -> None:
        self.seen, self._stored, self._written = {}, {}, []

    def _insert(self, item: InboxItem, row: dict[str, Any]) -> None:
        try:
            self._tx.write(sa.insert(inbox_items).values(**{**row, "version": 1}))
        except IntegrityError as error:
            if _is_unique_violation(error):
                raise DuplicateInboxItem(item.channel_id, item.order_id) from None
            raise UnknownChannel(item.channel_id) from None

    def _update(self, item: InboxItem, row: dict[str, Any]) -> None:
        statement = (
            sa.update(inbox_items)
            .where(
                inbox_items.c.channel_id == item.channel_id,
                inbox_items.c.order_id == item.order_id,
                inbox_items.c.version == item.version,
            )
            .values(**{**row, "version": item.version + 1})
        )
        if self._tx.write(statement).rowcount != 1:
            raise ConcurrentUpdate(item.channel_id, item.order_id)


def _filters(query: InboxQuery) -> list:
    c = inbox_items.c
    wanted = []
    if query.channel_id is not None:
        wanted.append(c.channel_id == query.channel_id)
    if query.status is not None:
        wanted.append(c.status == InboxStatus(query.status).value)
    if query.received_from is not None:
        wanted.append(c.received_at >= query.received_from)
    if query.received_to is not None:
        wanted.append(c.received_at < query.received_to)
    if query.needle:
        escaped = query.needle.replace("!", "!!").replace("%", "!%").replace("_", "!_")
        wanted.append(c.search_text.like(f"%{escaped}%", escape="!"))
    return wanted


def _is_unique_violation(error: IntegrityError) -> bool:
    return getattr(error.orig, "sqlstate", None) == "23505" or "UNIQUE constraint" in str(error.orig)
