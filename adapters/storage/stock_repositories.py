"""Stock sync history (runs and their per-SKU results) and the approved-orders cache."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from adapters.storage.codec import decode, encode
from adapters.storage.column_types import UtcDateTime
from adapters.storage.tables import sales_cache, stock_sync_results, stock_sync_runs
from adapters.storage.transaction import Transaction
from adapters.storage.upsert import upsert
from application.ports import (
    SaleLine,
    SaleLines,
    SalesCache,
    StockRunRepository,
    StockSyncResult,
    StockSyncRun,
    StockSyncStatus,
)

LINES = tuple[SaleLine, ...]
_RESULT_COLUMNS = [c for c in stock_sync_results.columns if c.name not in ("id", "run_id")]


def _run(row: sa.RowMapping) -> StockSyncRun:
    return StockSyncRun(
        id=row["id"],
        channel_id=row["channel_id"],
        started_at=row["started_at"],
        dry_run=row["dry_run"],
        status=StockSyncStatus(row["status"]),
        finished_at=row["finished_at"],
        summary=decode(row["summary"], dict[str, int]),
        error=row["error"],
    )


class SqlStockRuns(StockRunRepository):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def start(self, channel_id: str, started_at: datetime, dry_run: bool) -> StockSyncRun:
        run = StockSyncRun(uuid.uuid4().hex, channel_id, started_at, dry_run)
        values = {**encode(run, StockSyncRun), "started_at": started_at, "finished_at": None}
        self._tx.write(sa.insert(stock_sync_runs).values(**values))
        return run

    def add_results(self, run_id: str, results: Iterable[StockSyncResult]) -> None:
        rows = [{**_result_row(result), "run_id": run_id} for result in results]
        if rows:
            self._tx.write(sa.insert(stock_sync_results), rows)

    def finish(
        self,
        run_id: str,
        finished_at: datetime,
        status: StockSyncStatus,
        summary: dict[str, int],
        error: str | None = None,
    ) -> StockSyncRun:
        self._tx.write(
            sa.update(stock_sync_runs)
            .where(stock_sync_runs.c.id == run_id)
            .values(
                finished_at=finished_at,
                status=StockSyncStatus(status).value,
                summary=encode(summary, dict[str, int]),
                error=error,
            )
        )
        run = self.get(run_id)
        if run is None:
            raise KeyError(f"no stock sync run {run_id!r}")
        return run

    def get(self, run_id: str) -> StockSyncRun | None:
        rows = self._tx.read(sa.select(stock_sync_runs).where(stock_sync_runs.c.id == run_id))
        return _run(rows[0]) if rows else None

    def results(self, run_id: str) -> list[StockSyncResult]:
        statement = (
            sa.select(*_RESULT_COLUMNS)
            .where(stock_sync_results.c.run_id == run_id)
            .order_by(stock_sync_results.c.id)
        )
        return [StockSyncResult(**row) for row in self._tx.read(statement)]

    def list(self, channel_id: str, limit: int = 20) -> list[StockSyncRun]:
        statement = (
            sa.select(stock_sync_runs)
            .where(stock_sync_runs.c.channel_id == channel_id)
            .order_by(stock_sync_runs.c.started_at.desc(), stock_sync_runs.c.id.desc())
            .limit(limit)
        )
        return [_run(row) for row in self._tx.read(statement)]


    def prune_results(self, started_before: datetime, limit: int) -> int:
        results, runs = stock_sync_results.c, stock_sync_runs.c
        old_runs = sa.select(runs.id).where(runs.started_at < sa.literal(started_before, UtcDateTime))
        oldest = sa.select(results.id).where(results.run_id.in_(old_runs)).limit(limit)
        return self._tx.write(sa.delete(stock_sync_results).where(results.id.in_(oldest))).rowcount


def _result_row(result: StockSyncResult) -> dict[str, object]:
    return {column.name: getattr(result, column.name) for column in _RESULT_COLUMNS}


class SqlSalesCache(SalesCache):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def get(self, channel_id: str, document_id: str) -> SaleLines | None:
        rows = self._tx.read(
            sa.select(sales_cache).where(
                sales_cache.c.channel_id == channel_id, sales_cache.c.document_id == document_id
            )
        )
        return _sale(rows[0]) if rows else None

    def put(self, channel_id: str, sale: SaleLines) -> None:
        values = {
            "channel_id": channel_id,
            "document_id": sale.id,
            "updated": sale.updated,
            "warehouse_id": sale.warehouse_id,
            "lines": encode(sale.lines, LINES),
        }
        self._tx.write(upsert(self._tx.dialect, sales_cache, values))

    def all(self, channel_id: str) -> dict[str, SaleLines]:
        statement = sa.select(sales_cache).where(sales_cache.c.channel_id == channel_id)
        return {row["document_id"]: _sale(row) for row in self._tx.read(statement)}

    def retain(self, channel_id: str, document_ids: Iterable[str]) -> None:
        keep = set(document_ids)
        statement = sa.delete(sales_cache).where(sales_cache.c.channel_id == channel_id)
        if keep:
            statement = statement.where(sales_cache.c.document_id.not_in(keep))
        self._tx.write(statement)


def _sale(row: sa.RowMapping) -> SaleLines:
    return SaleLines(row["document_id"], row["updated"], row["warehouse_id"], decode(row["lines"], LINES))
