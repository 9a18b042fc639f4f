"""The dashboard: orders per Riga day by outcome, what needs review, PayTraq calls since 00:00
UTC, each channel's last webhook and last sync."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from adapters.memory.uow import InMemoryUnitOfWork
from application.dashboard import dashboard
from application.ports import AuditEntry, RawDelivery, StockSyncStatus
from domain.inbox import InboxStatus
from tests.unit.builders import order, pipeline, settings

EVENING = datetime(2026, 1, 14, 22, 30, tzinfo=UTC)  # already 15 January in Riga (UTC+2)


def test_orders_count_on_their_riga_day_by_outcome():
    # Given an order on 13 January, one late on 14 January UTC (15 January in Riga), and one
    # on 15 January that cannot be paid (no money account for cod)
    p = pipeline(settings(add_payment=True))
    for at, snapshot in ((EVENING - timedelta(days=1, hours=5), order("M-1")),
                         (EVENING, order("M-2")),
                         (EVENING + timedelta(hours=10), order("M-3", method="cod"))):
        p.clock.current = at
        p.receive(snapshot)
    # When the dashboard of the last three days is read on 15 January
    board = dashboard(InMemoryUnitOfWork(p.store), p.clock, 5000, days=3)
    # Then each order counts on its Riga day, and the review item is listed
    assert [d.day for d in board.days] == [date(2026, 1, 13), date(2026, 1, 14),
                                          date(2026, 1, 15)]
    assert [sum(d.counts.values()) for d in board.days] == [1, 0, 2]
    assert board.days[-1].counts.get(InboxStatus.NEEDS_REVIEW) == 1
    assert [i.order_id for i in board.needs_review] == ["M-3"]
    assert board.totals[InboxStatus.NEEDS_REVIEW] == 1


def test_paytraq_calls_count_since_utc_midnight_and_channels_show_their_last_webhook_and_sync():
    p = pipeline()
    p.clock.current = EVENING
    with InMemoryUnitOfWork(p.store) as uow:
        midnight = EVENING.replace(hour=0, minute=0)
        for at in (midnight - timedelta(seconds=1), EVENING - timedelta(hours=1, seconds=1)):
            uow.audit.record(AuditEntry(at, p.channel_id, "paytraq", "GET", "/api/sale/1", 200, 9))
        uow.deliveries.add(RawDelivery(p.channel_id, b"{}", {}, EVENING - timedelta(hours=2),
                                       "fp", "ORDER_CREATED", "M-1"))
        run = uow.stock_runs.start(p.channel_id, EVENING - timedelta(hours=3), dry_run=False)
        uow.stock_runs.finish(run.id, EVENING, StockSyncStatus.SUCCEEDED, {"update": 2})
        uow.commit()
    board = dashboard(InMemoryUnitOfWork(p.store), p.clock, 5000, days=1)
    assert (board.paytraq_calls_today, board.paytraq_daily_budget) == (1, 5000)
    assert board.paytraq_calls_last_hour == 0  # the one call today was over an hour ago
    (health,) = board.channels
    assert health.paytraq_calls_today == 1
    assert health.last_webhook_at == EVENING - timedelta(hours=2)
    assert health.last_sync.id == run.id and health.last_sync.summary == {"update": 2}
