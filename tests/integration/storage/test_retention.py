"""Retention on every storage backend: raw deliveries, audit entries, the bodies of an order's
calls and stock-sync results older than their keeping time are pruned in batches; newer ones,
the runs and the inbox stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.clock import SteppingClock
from application.ports import (
    AuditEntry,
    CallBodies,
    ChannelCredentials,
    RawDelivery,
    StockSyncResult,
    StockSyncStatus,
)
from application.retention import RetentionPolicy, prune_old_records
from domain.settings import Channel

pytestmark = pytest.mark.integration

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
KEEP = RetentionPolicy(deliveries=timedelta(days=90), audit=timedelta(days=90),
                       call_bodies=timedelta(days=30), sync_results=timedelta(days=30))


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def uow(backend):
    with backend.new_uow() as setup:
        setup.channels.add(Channel("shop", "Shop"), ChannelCredentials())
        setup.commit()
    return backend.new_uow()


def keep_records(uow, ages: list[int]) -> dict[int, str]:
    """A delivery, an audit entry of a call made for an order (with its bodies) and a stock sync
    run with two results, at each age in days."""
    runs = {}
    with uow:
        for n, age in enumerate(ages):
            uow.deliveries.add(RawDelivery("shop", b"{}", {}, days_ago(age), f"fp-{n}",
                                           "PAYMENT_CHANGED", f"M-{n}"))
            uow.audit.record(AuditEntry(days_ago(age), "shop", "paytraq", "GET", "sales", 200, 5,
                                        order_id="M-1", bodies=CallBodies(
                                            response_body=f"<Sales>{age}</Sales>")))
            run = uow.stock_runs.start("shop", days_ago(age), dry_run=False)
            uow.stock_runs.add_results(run.id, [StockSyncResult(f"S-{n}-{k}", "h", "updated")
                                                for k in range(2)])
            uow.stock_runs.finish(run.id, days_ago(age), StockSyncStatus.SUCCEEDED, {"updated": 2})
            runs[age] = run.id
        uow.commit()
    return runs


def test_records_past_their_keeping_time_are_pruned_and_newer_ones_stay(uow):
    # Given records 1, 29, 31, 89 and 91 days old
    runs = keep_records(uow, [1, 29, 31, 89, 91])
    # When the records are pruned with the default keeping times, two at a time
    pruned = prune_old_records(uow, SteppingClock(NOW, timedelta(0)), KEEP, batch=2)
    # Then only the 91-day-old delivery and audit entry went, and results and call bodies older
    # than 30 days
    assert pruned == {"raw_deliveries": 1, "audit_log": 1, "audit_bodies": 2,
                      "stock_sync_results": 6}
    with uow:
        assert sorted(d.order_id for d in uow.deliveries.list("shop")) == ["M-0", "M-1", "M-2",
                                                                          "M-3"]
        assert len(uow.audit.recent("shop")) == 4
        # And the calls older than 30 days are still listed, without their bodies
        bodies = [c.bodies.response_body if c.bodies else None
                  for c in uow.audit.for_order("shop", "M-1")]
        assert bodies == [None, None, "<Sales>29</Sales>", "<Sales>1</Sales>"]
        kept = {age: len(uow.stock_runs.results(run_id)) for age, run_id in runs.items()}
        # And every run keeps its summary
        assert all(uow.stock_runs.get(run_id).summary == {"updated": 2} for run_id in runs.values())
    assert kept == {1: 2, 29: 2, 31: 0, 89: 0, 91: 0}


def test_a_kind_kept_for_ever_is_not_pruned(uow):
    keep_records(uow, [400])
    pruned = prune_old_records(uow, SteppingClock(NOW, timedelta(0)),
                               RetentionPolicy(deliveries=None, audit=None, call_bodies=None))
    assert pruned == {"stock_sync_results": 2}
    with uow:
        assert len(uow.deliveries.list("shop")) == 1 and len(uow.audit.recent("shop")) == 1
        assert uow.audit.for_order("shop", "M-1")[0].bodies.response_body == "<Sales>400</Sales>"
