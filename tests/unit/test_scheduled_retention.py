"""The scheduler's daily retention job prunes with the deployment's configured keeping times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.memory.clock import SteppingClock
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.ports import ChannelCredentials, RawDelivery
from domain.settings import Channel
from entrypoints.config import load_config
from entrypoints.runtime import Runtime
from entrypoints.worker.scheduler import Jobs

NOW = datetime(2026, 6, 1, 2, 40, tzinfo=UTC)


def test_the_retention_job_prunes_deliveries_older_than_the_configured_days():
    # Given deliveries 5 and 10 days old, and a deployment keeping deliveries 7 days
    store = MemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        uow.channels.add(Channel("shop", "Shop"), ChannelCredentials())
        for days in (5, 10):
            uow.deliveries.add(RawDelivery("shop", b"{}", {}, NOW - timedelta(days=days),
                                           f"fp-{days}", "PAYMENT_CHANGED", f"M-{days}"))
        uow.commit()
    config = load_config({"SALES_INBOX_KEEP_DELIVERIES_DAYS": "7"})
    runtime = Runtime(config, lambda: InMemoryUnitOfWork(store), gateways=None,
                      clock=SteppingClock(NOW, timedelta(0)))
    jobs = Jobs(runtime, send_process=lambda c, o: None, send_poll=lambda c: None)
    # When the daily job runs
    pruned = jobs.prune_old_records()
    # Then the 10-day-old delivery is gone and the other stays
    assert pruned["raw_deliveries"] == 1
    assert [d.order_id for d in store.deliveries] == ["M-5"]
