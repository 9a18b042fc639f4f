"""In-memory history of stock sync runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from adapters.memory.store import MemoryStore
from application.ports import StockRunRepository, StockSyncResult, StockSyncRun, StockSyncStatus


class MemoryStockRuns(StockRunRepository):
    def __init__(self, store: MemoryStore):
        self.store = store
        self.new: dict[str, StockSyncRun] = {}
        self.new_results: dict[str, list[StockSyncResult]] = {}
        self.pruned: dict[str, int] = {}  # run id -> how many of its first results go

    def start(self, channel_id: str, started_at: datetime, dry_run: bool) -> StockSyncRun:
        run = StockSyncRun(uuid.uuid4().hex, channel_id, started_at, dry_run)
        self.new[run.id] = run
        return run

    def add_results(self, run_id: str, results: Iterable[StockSyncResult]) -> None:
        self.new_results.setdefault(run_id, []).extend(results)

    def finish(
        self,
        run_id: str,
        finished_at: datetime,
        status: StockSyncStatus,
        summary: dict[str, int],
        error: str | None = None,
    ) -> StockSyncRun:
        run = self.get(run_id)
        if run is None:
            raise KeyError(f"no stock sync run {run_id!r}")
        finished = replace(
            run, finished_at=finished_at, status=StockSyncStatus(status), summary=dict(summary), error=error
        )
        self.new[run_id] = finished
        return finished

    def get(self, run_id: str) -> StockSyncRun | None:
        return self.new.get(run_id) or self.store.runs.get(run_id)

    def results(self, run_id: str) -> list[StockSyncResult]:
        return [*self.store.results.get(run_id, []), *self.new_results.get(run_id, [])]

    def list(self, channel_id: str, limit: int = 20) -> list[StockSyncRun]:
        runs = {**self.store.runs, **self.new}.values()
        wanted = [r for r in runs if r.channel_id == channel_id]
        return sorted(wanted, key=lambda r: (r.started_at, r.id), reverse=True)[:limit]

    def prune_results(self, started_before: datetime, limit: int) -> int:
        old = [r.id for r in self.store.runs.values() if r.started_at < started_before]
        for run_id in old:
            results = self.store.results.get(run_id, [])
            take = min(len(results), limit - sum(self.pruned.values()))
            if take:
                self.pruned[run_id] = take
        return sum(self.pruned.values())

    def apply(self) -> None:
        self.store.runs.update(self.new)
        for run_id, count in self.pruned.items():
            del self.store.results[run_id][:count]
        for run_id, results in self.new_results.items():
            self.store.results.setdefault(run_id, []).extend(results)
        self.discard()

    def discard(self) -> None:
        self.new, self.new_results, self.pruned = {}, {}, {}
