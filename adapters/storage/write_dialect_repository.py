"""The PayTraq write shapes remembered per channel (application.write_dialects), with the write
test's verdict, PayTraq's tax keys and what `clients?query=` was shown to match."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from adapters.storage.tables import paytraq_write_dialects as table
from adapters.storage.transaction import Transaction
from adapters.storage.upsert import upsert
from application.ports import KEY_KINDS, ClientQueryProof, WriteDialect, WriteDialectStore
from domain.paytraq_totals import TaxKey


class SqlWriteDialects(WriteDialectStore):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def _row(self, channel_id: str) -> dict[str, Any] | None:
        rows = self._tx.read(sa.select(table).where(table.c.channel_id == channel_id))
        return dict(rows[0]) if rows else None

    def _save(self, channel_id: str, at: datetime, **changes: Any) -> None:
        values = {"channel_id": channel_id, "updated_at": at, **changes}
        self._tx.write(upsert(self._tx.dialect, table, values))

    def get(self, channel_id: str) -> WriteDialect:
        row = self._row(channel_id)
        if row is None:
            return WriteDialect()
        return WriteDialect(row["sale_root"], row["payment_form"])

    def remember(self, channel_id: str, dialect: WriteDialect, at: datetime) -> None:
        merged = self.get(channel_id).merged(dialect)
        self._save(channel_id, at, sale_root=merged.sale_root, payment_form=merged.payment_form)

    def writes_kept_since(self, channel_id: str) -> datetime | None:
        row = self._row(channel_id)
        return row["writes_kept_at"] if row else None

    def record_write_test(self, channel_id: str, kept: bool, at: datetime) -> None:
        self._save(channel_id, at, writes_kept_at=at if kept else None)

    def tax_keys(self, channel_id: str, not_before: datetime) -> list[TaxKey] | None:
        row = self._row(channel_id)
        if row is None or row["tax_keys"] is None or row["tax_keys_at"] is None:
            return None
        if row["tax_keys_at"] < not_before:
            return None
        return [TaxKey(key["id"], key["name"],
                       None if key["rate"] is None else Decimal(key["rate"]))
                for key in row["tax_keys"]]

    def remember_tax_keys(self, channel_id: str, keys: list[TaxKey] | None,
                          at: datetime) -> None:
        stored = None if keys is None else [
            {"id": key.id, "name": key.name, "rate": None if key.rate is None else str(key.rate)}
            for key in keys]
        self._save(channel_id, at, tax_keys=stored, tax_keys_at=None if keys is None else at)

    def client_query(self, channel_id: str) -> ClientQueryProof:
        row = self._row(channel_id)
        if row is None or not row["client_query"]:
            return ClientQueryProof()
        shown = row["client_query"]
        return ClientQueryProof(tuple((kind, bool(shown[kind])) for kind in KEY_KINDS
                                      if kind in shown), row["client_query_at"])

    def record_client_query(self, channel_id: str, proof: ClientQueryProof) -> None:
        if proof.at is None:
            raise ValueError("a client query proof is recorded with the time it was shown")
        self._save(channel_id, proof.at, client_query=dict(proof.shown),
                   client_query_at=proof.at)
