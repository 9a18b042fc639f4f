"""Retention: raw webhook deliveries, the audit log of outside calls, the bodies of the calls made
for an order (they hold the buyer's personal data, so they go sooner than the log's lines) and
stock-sync results are kept for a configurable time, then pruned (the scheduler does it daily).
Inbox items, channels, stock-sync runs and their summaries are kept.

Each batch is its own short transaction, so pruning a large backlog never holds the database's
write lock for long."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from application.ports import Clock, UnitOfWork

logger = structlog.get_logger()

BATCH = 5_000


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind of record is kept; None keeps it for ever."""

    deliveries: timedelta | None = timedelta(days=90)
    audit: timedelta | None = timedelta(days=90)
    call_bodies: timedelta | None = timedelta(days=30)
    sync_results: timedelta | None = timedelta(days=30)


Prune = Callable[[UnitOfWork, datetime, int], int]
_KINDS: tuple[tuple[str, str, Prune], ...] = (
    ("deliveries", "raw_deliveries", lambda uow, before, n: uow.deliveries.prune(before, n)),
    ("audit", "audit_log", lambda uow, before, n: uow.audit.prune(before, n)),
    ("call_bodies", "audit_bodies", lambda uow, before, n: uow.audit.prune_bodies(before, n)),
    ("sync_results", "stock_sync_results",
     lambda uow, before, n: uow.stock_runs.prune_results(before, n)),
)


def prune_old_records(uow: UnitOfWork, clock: Clock, policy: RetentionPolicy,
                      batch: int = BATCH) -> dict[str, int]:
    """Prune what the policy no longer keeps; how many records of each kind were removed."""
    now, pruned = clock.now(), {}
    for field, name, prune in _KINDS:
        keep: timedelta | None = getattr(policy, field)
        if keep is None:
            continue
        pruned[name] = _in_batches(uow, prune, now - keep, batch)
    logger.info("old_records_pruned", **pruned)
    return pruned


def _in_batches(uow: UnitOfWork, prune: Prune, before: datetime, batch: int) -> int:
    total = 0
    while True:
        with uow:
            removed = prune(uow, before, batch)
            uow.commit()
        total += removed
        if removed < batch:
            return total
