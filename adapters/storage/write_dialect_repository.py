"""The PayTraq write shapes remembered per channel (application.write_dialects), with the write
test's verdict, PayTraq's tax keys and what `clients?query=` and `sales?query=` were shown to
match."""

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

_ROW = sa.select(table).where(table.c.channel_id == sa.bindparam("channel_id"))


class SqlWriteDialects(WriteDialectStore):
    def __init__(self, transaction: Transaction):
        self._tx = transaction
        self._read: dict[str, dict[str, Any] | None] = {}  # read in this `with uow:` block
        self.wrote = False  # then what is read may be rolled back: read again each time

    def _row(self, channel_id: str) -> dict[str, Any] | None:
        """The channel's row, read once per block (an order run asks for its tax keys and the
        write test's verdict) unless this block writes."""
        if channel_id not in self._read:
            rows = self._tx.read(_ROW, params={"channel_id": channel_id})
            found = dict(rows[0]) if rows else None
            if self.wrote:
                return found
            self._read[channel_id] = found
        return self._read[channel_id]

    def _save(self, channel_id: str, at: datetime, **changes: Any) -> None:
        self.wrote = True
        self._read.clear()
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

    def sales_query_shown_since(self, channel_id: str) -> datetime | None:
        row = self._row(channel_id)
        return row["sales_query_at"] if row else None

    def record_sales_query(self, channel_id: str, finds_ref: bool, at: datetime) -> None:
        self._save(channel_id, at, sales_query_at=at if finds_ref else None)

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
