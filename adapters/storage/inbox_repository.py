"""Inbox items: loaded into an identity map, written on commit with an optimistic version check.

A commit writes only the columns that changed since the item was read or last written (the
version check makes that safe: the row is still the one remembered), with statements built
once per process; an unchanged order is not encoded again (rows.py)."""

from __future__ import annotations

import copy
import functools
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
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
from domain.inbox_records import Step
from domain.orders import SalesOrder
from domain.owed_work import OwedWork
from domain.retry_schedule import SOONEST

Key = tuple[str, str]
_COLUMNS = [c for c in inbox_items.columns if c.name != "id"]
_c = inbox_items.c
_BY_KEY = (_c.channel_id == sa.bindparam("k_channel"), _c.order_id == sa.bindparam("k_order"))
_GET = sa.select(*_COLUMNS).where(*_BY_KEY)
_GET_LOCKED = _GET.with_for_update()
_INSERT = sa.insert(inbox_items)


def _insert_new(dialect: str) -> sa.Insert:
    """INSERT of every column (but the id the database gives), nothing where the channel has
    the order already (its unique constraint): statements built once, per dialect."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(inbox_items).values(
        {c.name: sa.bindparam(c.name, type_=c.type) for c in _COLUMNS}
    ).on_conflict_do_nothing(index_elements=["channel_id", "order_id"]).returning(_c.id)


_INSERT_NEW = {dialect: _insert_new(dialect) for dialect in ("postgresql", "sqlite")}
MAX_COMMITTED_KEPT = 64  # items a unit of work keeps as it last committed them


@functools.cache
def _update_of(columns: tuple[str, ...]) -> sa.Update:
    """UPDATE of these columns (and the version), where the version is still the one read."""
    return (sa.update(inbox_items)
            .where(*_BY_KEY, _c.version == sa.bindparam("k_version"))
            .values({name: sa.bindparam(f"v_{name}", type_=_c[name].type)
                     for name in (*columns, "version")}))


class SqlInboxRepository(InboxRepository):
    def __init__(self, transaction: Transaction, committed: dict[Key, InboxItem] | None = None):
        self._tx = transaction
        self._committed = {} if committed is None else committed  # kept by the unit of work
        self.seen: dict[Key, InboxItem] = {}
        self._stored: dict[Key, dict[str, Any]] = {}  # the row as last read or written
        self._orders: dict[Key, SalesOrder] = {}  # the order that row was made of
        self._steps: dict[Key, list[Step]] = {}  # and its steps (rows.py: encoded once each)
        self._written: list[tuple[Key, dict[str, Any]]] = []

    def get(self, channel_id: str, order_id: str, for_update: bool = False) -> InboxItem | None:
        key = (channel_id, order_id)
        if key in self.seen and not for_update:
            return self.seen[key]
        rows = self._tx.read(_GET_LOCKED if for_update else _GET, lock=for_update,
                             params={"k_channel": channel_id, "k_order": order_id})
        if key in self.seen:  # locked now; keep handing out the same object
            return self.seen[key]
        if not rows:
            return None
        item = item_from_row(rows[0])
        self.seen[key] = item
        # the row as read is the row as it would be written (rows.py reads and writes the same
        # values; test_item_commits pins it), so the item is not encoded again here
        self._remember(key, item, dict(rows[0]))
        return item

    def add_if_new(self, item: InboxItem) -> bool:
        """One `INSERT … ON CONFLICT DO NOTHING` (a transaction of its own when none is open:
        Transaction.write_alone): a new order's item costs that statement alone, where reading
        it under a lock first cost a BEGIN, the read, the INSERT and a COMMIT."""
        key = (item.channel_id, item.order_id)
        if key in self.seen:
            return False
        row = {**item_to_row(item), "version": 1}
        alone = not self._tx.in_transaction()  # else part of it, committed (or not) with it
        try:  # what it returns tells (a rowcount is -1 for an INSERT … RETURNING on psycopg)
            added = bool(self._tx.write_alone(_INSERT_NEW[self._tx.dialect], row).rows)
        except IntegrityError:  # not the order's unique key (DO NOTHING): the channel's
            raise UnknownChannel(item.channel_id) from None
        if added:
            item.version = 1
            self.seen[key] = item
            self._remember(key, item, row)
            if alone:  # committed now; a rollback forgets `seen`, never this
                self._committed[key] = copy.copy(item)
        return added

    def as_committed_here(self, channel_id: str, order_id: str) -> InboxItem | None:
        item = self._committed.get((channel_id, order_id))
        return item if item is not None else self.get(channel_id, order_id)

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
        """Write every new or changed item; the versions move on only in `committed()`.
        A commit whose one write is an item's UPDATE — a step recorded before or after an
        outside call, most of a worker's commits — is that statement alone, committed by
        itself (Transaction.write_alone): no BEGIN and COMMIT around it."""
        self._written = []
        writes = []
        for key, item in self.seen.items():
            stored = self._stored.get(key)
            row = item_to_row(item, (self._orders[key], self._steps[key], stored)
                              if stored else None)
            if stored is None and item.version == 0:
                writes.append((key, item, row, None))
                continue
            changed = {name: value for name, value in row.items()
                       if stored is None or stored.get(name) != value}
            if changed:
                writes.append((key, item, row, changed))
        alone = len(writes) == 1 and writes[0][3] is not None and not self._tx.in_transaction()
        for key, item, row, changed in writes:
            if changed is None:
                self._insert(item, row)
            else:
                self._update(item, changed, alone)
            self._written.append((key, row))

    def committed(self) -> None:
        if len(self._committed) > MAX_COMMITTED_KEPT:
            self._committed.clear()
        for key, row in self._written:
            item = self.seen[key]
            item.version += 1
            self._remember(key, item, {**row, "version": item.version})
            self._committed[key] = copy.copy(item)  # its fields as committed, not as changed next
        self._written = []

    def forget(self) -> None:
        self.seen, self._stored, self._orders, self._steps, self._written = {}, {}, {}, {}, []

    def _remember(self, key: Key, item: InboxItem, row: dict[str, Any]) -> None:
        self._stored[key], self._orders[key], self._steps[key] = row, item.order, list(item.steps)

    def _insert(self, item: InboxItem, row: dict[str, Any]) -> None:
        try:
            self._tx.write(_INSERT, {**row, "version": 1})
        except IntegrityError as error:
            if _is_unique_violation(error):
                raise DuplicateInboxItem(item.channel_id, item.order_id) from None
            raise UnknownChannel(item.channel_id) from None

    def _update(self, item: InboxItem, changed: dict[str, Any], alone: bool = False) -> None:
        params = {f"v_{name}": value for name, value in changed.items()}
        params.update(v_version=item.version + 1, k_channel=item.channel_id,
                      k_order=item.order_id, k_version=item.version)
        write = self._tx.write_alone if alone else self._tx.write
        if write(_update_of(tuple(sorted(changed))), params).rowcount != 1:
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
