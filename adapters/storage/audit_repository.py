"""The log of calls to outside APIs. AuditEntry has already masked secret query parameters; the
bodies of a call made for an order (secrets masked when captured) sit beside it in
`audit_bodies`, pruned on their own, shorter schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from adapters.storage.column_types import UtcDateTime
from adapters.storage.tables import audit_bodies, audit_log
from adapters.storage.transaction import Transaction
from application.ports import AuditEntry, AuditLog, CallBodies

_COLUMNS = [c for c in audit_log.columns if c.name != "id"]
_BODY_COLUMNS = [c for c in audit_bodies.columns if c.name not in ("audit_id", "at")]
MAX_ERROR = 2000
# built once per process; the ids come back in the order of the rows given (insertmanyvalues)
_INSERT_ENTRIES = sa.insert(audit_log).returning(audit_log.c.id, sort_by_parameter_order=True)
_INSERT_NUMBERED = sa.insert(audit_log)  # with the ids given
_LAST_ID = sa.select(sa.func.max(audit_log.c.id).label("last"))
_INSERT_BODIES = sa.insert(audit_bodies)


class SqlAuditLog(AuditLog):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def record(self, entry: AuditEntry) -> None:
        self.record_many([entry])

    def record_many(self, entries: Sequence[AuditEntry]) -> None:
        """The entries by one batched INSERT (their ids returned in the order given), then the
        bodies of those that have them by another: two statements for any batch (SQLite's
        batch of several: three, _numbered)."""
        if not entries:
            return
        rows = [_entry_row(entry) for entry in entries]
        if self._tx.dialect == "sqlite" and len(rows) > 1:
            ids = self._numbered(rows)
        else:
            ids = self._tx.write(_INSERT_ENTRIES, rows).scalars().all()
        bodies = [_bodies_row(audit_id, entry) for audit_id, entry
                  in zip(ids, entries, strict=True) if entry.bodies is not None]
        if bodies:
            self._tx.write(_INSERT_BODIES, bodies)

    def _numbered(self, rows: list[dict]) -> list[int]:
        """SQLite promises no order for the rows an INSERT returns, so SQLAlchemy sends a batch
        whose ids must come back in order one row at a time. Here the ids are given instead:
        the largest so far, read under SQLite's write lock (the read takes it: BEGIN
        IMMEDIATE, held to the commit), plus one for each row — what SQLite itself would give —
        and the batch is one executemany."""
        last = self._tx.read(_LAST_ID, lock=True)[0]["last"] or 0
        ids = list(range(last + 1, last + 1 + len(rows)))
        self._tx.write(_INSERT_NUMBERED, [{**row, "id": audit_id}
                                          for row, audit_id in zip(rows, ids, strict=True)])
        return ids

    def recent(self, channel_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        statement = sa.select(*_COLUMNS).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        if channel_id is not None:
            statement = statement.where(audit_log.c.channel_id == channel_id)
        return [AuditEntry(**row) for row in self._tx.read(statement.limit(limit))]

    def count_since(self, api: str, since: datetime) -> dict[str | None, int]:
        statement = (sa.select(audit_log.c.channel_id, sa.func.count().label("n"))
                     .where(audit_log.c.api == api, audit_log.c.at >= since)
                     .group_by(audit_log.c.channel_id))
        return {row["channel_id"]: row["n"] for row in self._tx.read(statement)}

    def prune(self, before: datetime, limit: int) -> int:
        oldest = (sa.select(audit_log.c.id)
                  .where(audit_log.c.at < sa.literal(before, UtcDateTime)).limit(limit))
        # the foreign key cascades too; said here so no backend's setting is relied on
        self._tx.write(sa.delete(audit_bodies).where(audit_bodies.c.audit_id.in_(oldest)))
        return self._tx.write(sa.delete(audit_log).where(audit_log.c.id.in_(oldest))).rowcount

    def prune_bodies(self, before: datetime, limit: int) -> int:
        oldest = (sa.select(audit_bodies.c.audit_id)
                  .where(audit_bodies.c.at < sa.literal(before, UtcDateTime)).limit(limit))
        return self._tx.write(
            sa.delete(audit_bodies).where(audit_bodies.c.audit_id.in_(oldest))).rowcount

    def for_order(self, channel_id: str, order_id: str, limit: int = 500) -> list[AuditEntry]:
        statement = (
            sa.select(*_COLUMNS, audit_bodies.c.audit_id, *_BODY_COLUMNS)
            .select_from(audit_log.outerjoin(audit_bodies,
                                             audit_bodies.c.audit_id == audit_log.c.id))
            .where(audit_log.c.channel_id == channel_id, audit_log.c.order_id == order_id)
            .order_by(audit_log.c.at, audit_log.c.id)
            .limit(limit)
        )
        return [_with_bodies(row) for row in self._tx.read(statement)]


def _entry_row(entry: AuditEntry) -> dict:
    row = {column.name: getattr(entry, column.name) for column in _COLUMNS}
    if entry.error is not None:
        row["error"] = entry.error[:MAX_ERROR]
    return row


def _bodies_row(audit_id: int, entry: AuditEntry) -> dict:
    row = {column.name: getattr(entry.bodies, column.name) for column in _BODY_COLUMNS}
    return {**row, "audit_id": audit_id, "at": entry.at}


def _with_bodies(row: sa.RowMapping) -> AuditEntry:
    bodies = None
    if row["audit_id"] is not None:
        bodies = CallBodies(**{column.name: row[column.name] for column in _BODY_COLUMNS})
    return AuditEntry(**{column.name: row[column.name] for column in _COLUMNS}, bodies=bodies)
