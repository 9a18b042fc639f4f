"""The history of stock syncs: each run and what it decided for every SKU."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class StockSyncStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class StockSyncResult:
    """What one stock sync decided (and, unless a dry run, did) for one SKU."""

    sku: str
    target: str  # the product handle, or the variant handle
    action: str  # e.g. "update", "unchanged", "skipped", "error"
    old_stock: int | None = None
    new_stock: int | None = None
    old_price: Decimal | None = None
    new_price: Decimal | None = None
    message: str = ""


@dataclass(frozen=True, slots=True)
class StockSyncRun:
    id: str
    channel_id: str
    started_at: datetime
    dry_run: bool
    status: StockSyncStatus = StockSyncStatus.RUNNING
    finished_at: datetime | None = None
    summary: dict[str, int] = field(default_factory=dict)  # counts by action
    error: str | None = None


class StockRunRepository(abc.ABC):
    @abc.abstractmethod
    def start(self, channel_id: str, started_at: datetime, dry_run: bool) -> StockSyncRun: ...

    @abc.abstractmethod
    def add_results(self, run_id: str, results: Iterable[StockSyncResult]) -> None: ...

    @abc.abstractmethod
    def finish(
        self,
        run_id: str,
        finished_at: datetime,
        status: StockSyncStatus,
        summary: dict[str, int],
        error: str | None = None,
    ) -> StockSyncRun: ...

    @abc.abstractmethod
    def get(self, run_id: str) -> StockSyncRun | None: ...

    @abc.abstractmethod
    def results(self, run_id: str) -> list[StockSyncResult]:
        """In the order they were added."""

    @abc.abstractmethod
    def list(self, channel_id: str, limit: int = 20) -> list[StockSyncRun]:
        """Newest first."""

    @abc.abstractmethod
    def prune_results(self, started_before: datetime, limit: int) -> int:
        """Forget at most `limit` per-SKU results of runs started before then (the runs and their
        summaries stay); how many were forgotten."""

    def latest(self, channel_id: str) -> StockSyncRun | None:
        runs = self.list(channel_id, limit=1)
        return runs[0] if runs else None
