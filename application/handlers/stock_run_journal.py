"""A stock sync run as it is stored: opened, its results recorded as they become known (each
change or problem committed as a row at once, so a run that stops half-way leaves a true record),
closed with counts of every SKU."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import structlog

from application.ports import Clock, StockSyncResult, StockSyncRun, StockSyncStatus, UnitOfWork
from domain.stock_sync import Outcome

logger = structlog.get_logger()

ERROR = "error"
# counted on the run, but not stored one row per SKU: nothing changed, nothing to look at
COUNTED_ONLY = frozenset({Outcome.UNCHANGED.value, Outcome.UNTRACKED.value, Outcome.SKIPPED.value})


class RunJournal:
    """The stored run: each change or problem is committed as a row when known; SKUs that need
    nothing (unchanged, untracked, skipped) are only counted. The summary counts every SKU."""

    def __init__(self, uow: UnitOfWork, run: StockSyncRun, clock: Clock):
        self.uow, self.run, self.clock = uow, run, clock
        self.counts: Counter[str] = Counter()

    @classmethod
    def open(cls, uow: UnitOfWork, channel_id: str, clock: Clock, dry_run: bool) -> RunJournal:
        with uow:
            run = uow.stock_runs.start(channel_id, clock.now(), dry_run)
            uow.commit()
        return cls(uow, run, clock)

    def record(self, results: Iterable[StockSyncResult]) -> None:
        results = list(results)
        self.counts.update(result.action for result in results)
        kept = [result for result in results if result.action not in COUNTED_ONLY]
        if not kept:
            return
        with self.uow:
            self.uow.stock_runs.add_results(self.run.id, kept)
            self.uow.commit()

    def close(self, error: str | None = None) -> StockSyncRun:
        if error is None and self.counts[ERROR]:
            error = f"{self.counts[ERROR]} SKUs could not be written; a new run retries them"
        status = StockSyncStatus.FAILED if error else StockSyncStatus.SUCCEEDED
        with self.uow:
            self.run = self.uow.stock_runs.finish(
                self.run.id, self.clock.now(), status, dict(self.counts), error)
            self.uow.commit()
        logger.info("stock_synced", channel=self.run.channel_id, run=self.run.id,
                    dry_run=self.run.dry_run, status=status.value, **self.counts)
        return self.run
