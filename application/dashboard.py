"""The dashboard's question: how is the inbox doing? Orders per day by outcome, what waits for a
person, PayTraq calls spent today against the daily budget, and each shop's last webhook and
last stock sync. Every number comes from an indexed storage query, never a full listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from application.inbox_listing import InboxQuery
from application.local_days import SHOP_TIMEZONE, day_after, day_start, local_day
from application.ports import Clock, StockSyncRun, UnitOfWork
from domain.inbox import InboxItem, InboxStatus
from domain.settings import Channel

REVIEW_SAMPLE = 10


@dataclass(frozen=True)
class DayCounts:
    day: date
    counts: dict[InboxStatus, int]


@dataclass(frozen=True)
class ChannelHealth:
    channel: Channel
    last_webhook_at: datetime | None
    last_sync: StockSyncRun | None
    paytraq_calls_today: int


@dataclass(frozen=True)
class Dashboard:
    days: list[DayCounts]  # oldest first, today last
    totals: dict[InboxStatus, int]  # over all time
    needs_review: list[InboxItem]  # the newest few
    paytraq_calls_today: int  # since 00:00 UTC, when PayTraq's budget resets
    paytraq_calls_last_hour: int  # the current pace
    paytraq_daily_budget: int  # per channel (per PayTraq credential pair)
    channels: list[ChannelHealth]


def dashboard(uow: UnitOfWork, clock: Clock, daily_budget: int, days: int = 14,
              timezone: str = SHOP_TIMEZONE) -> Dashboard:
    now = clock.now()
    today = local_day(now, timezone)
    utc_midnight = datetime.combine(now.astimezone(UTC).date(), datetime.min.time(), UTC)
    with uow:
        per_day = [_day(uow, today - timedelta(days=back), timezone)
                   for back in range(days - 1, -1, -1)]
        totals = uow.inbox.count_by_status(InboxQuery())
        review = uow.inbox.page(InboxQuery(status=InboxStatus.NEEDS_REVIEW), REVIEW_SAMPLE).items
        calls = uow.audit.count_since("paytraq", utc_midnight)
        last_hour = sum(uow.audit.count_since("paytraq", now - timedelta(hours=1)).values())
        channels = [
            ChannelHealth(c, uow.deliveries.last_webhook_at(c.id), uow.stock_runs.latest(c.id),
                          calls.get(c.id, 0))
            for c in uow.channels.list()
        ]
    return Dashboard(per_day, totals, review, sum(calls.values()), last_hour, daily_budget,
                     channels)


def _day(uow: UnitOfWork, day: date, timezone: str) -> DayCounts:
    query = InboxQuery(received_from=day_start(day, timezone), received_to=day_after(day, timezone))
    return DayCounts(day, uow.inbox.count_by_status(query))
