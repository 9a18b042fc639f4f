"""The log of calls to outside APIs. AuditEntry has already masked secret query parameters."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from adapters.storage.column_types import UtcDateTime
from adapters.storage.tables import audit_log
from adapters.storage.transaction import Transaction
from application.ports import AuditEntry, AuditLog

_COLUMNS = [c for c in audit_log.columns if c.name != "id"]
MAX_ERROR = 2000


class SqlAuditLog(AuditLog):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def record(self, entry: AuditEntry) -> None:
        values = {column.name: getattr(entry, column.name) for column in _COLUMNS}
        if entry.error is not None:
            values["error"] = entry.error[:MAX_ERROR]
        self._tx.write(sa.insert(audit_log).values(**values))

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
        return self._tx.write(sa.delete(audit_log).where(audit_log.c.id.in_(oldest))).rowcount

    def for_order(self, channel_id: str, order_id: str, limit: int = 500) -> list[AuditEntry]:
        statement = (
            sa.select(*_COLUMNS)
            .where(audit_log.c.channel_id == channel_id, audit_log.c.order_id == order_id)
            .order_by(audit_log.c.at, audit_log.c.id)
            .limit(limit)
        )
        return [AuditEntry(**row) for row in self._tx.read(statement)]
