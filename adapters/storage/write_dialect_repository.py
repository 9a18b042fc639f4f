"""The PayTraq write shapes remembered per channel (application.write_dialects)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from adapters.storage.tables import paytraq_write_dialects as table
from adapters.storage.transaction import Transaction
from adapters.storage.upsert import upsert
from application.ports import WriteDialect, WriteDialectStore


class SqlWriteDialects(WriteDialectStore):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def get(self, channel_id: str) -> WriteDialect:
        rows = self._tx.read(sa.select(table).where(table.c.channel_id == channel_id))
        if not rows:
            return WriteDialect()
        return WriteDialect(rows[0]["sale_root"], rows[0]["payment_form"])

    def remember(self, channel_id: str, dialect: WriteDialect, at: datetime) -> None:
        merged = self.get(channel_id).merged(dialect)
        values = {"channel_id": channel_id, "sale_root": merged.sale_root,
                  "payment_form": merged.payment_form, "updated_at": at}
        self._tx.write(upsert(self._tx.dialect, table, values))
