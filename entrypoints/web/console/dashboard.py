"""The dashboard: how the orders went, what waits for a person, PayTraq's daily budget, when
each shop last spoke, the last stock sync, and the workers."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import dramatiq
from flask import Blueprint, render_template

from application.inbox_listing import InboxQuery
from domain.inbox import InboxStatus
from entrypoints.web.context import runtime
from entrypoints.worker.broker import counters_for

blueprint = Blueprint("dashboard", __name__)
RIGA = ZoneInfo("Europe/Riga")
DAYS = 14
PAYTRAQ_DAILY_BUDGET = 5000
QUIET_AT_LEAST = timedelta(hours=24)


def _per_day(uow, now: datetime) -> list[tuple]:
    today = now.astimezone(RIGA).date()
    rows = []
    for back in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        start = datetime.combine(day, time(), RIGA)
        counts = uow.inbox.count_by_status(InboxQuery(received_from=start,
                                                      received_to=start + timedelta(days=1)))
        rows.append((day, counts, sum(counts.values())))
    return rows


def _paytraq_today(uow, now: datetime) -> dict:
    midnight = datetime.combine(now.astimezone(UTC).date(), time(), UTC)
    calls = sum(1 for entry in uow.audit.recent(limit=PAYTRAQ_DAILY_BUDGET + 1)
                if entry.api == "paytraq" and entry.at >= midnight)
    hours = max((now - midnight).total_seconds() / 3600, 0.25)
    projected = int(calls / hours * 24)
    return {"calls": calls, "budget": PAYTRAQ_DAILY_BUDGET, "per_hour": round(calls / hours, 1),
            "projected": projected, "warn": projected > PAYTRAQ_DAILY_BUDGET * 0.8}


def _silence(deliveries, now: datetime) -> dict:
    """The last delivery, and whether the shop has been silent unusually long: longer than a
    day and than five times its usual gap between deliveries."""
    if not deliveries:
        return {"last": None, "warn": False}
    deliveries = deliveries[::-1]  # oldest first
    times = [d.received_at for d in deliveries]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    usual = median(gaps) * 5 if gaps else QUIET_AT_LEAST
    quiet = now - times[-1]
    return {"last": deliveries[-1], "warn": quiet > max(QUIET_AT_LEAST, usual)}


def _workers() -> dict:
    counts = counters_for(runtime().config.redis_url).snapshot()
    failed = sum(v for k, v in counts.items() if "failed" in k)
    processed = sum(v for k, v in counts.items() if "processed" in k)
    queued = None
    try:
        broker = dramatiq.get_broker()
        queues = getattr(broker, "queues", {})
        queued = sum(q.qsize() for q in queues.values() if hasattr(q, "qsize"))
    except Exception:  # the dashboard shows what it can: queue sizes are a nicety
        queued = None
    return {"processed": int(processed), "failed": int(failed), "queued": queued,
            "mode": "embedded" if runtime().config.embedded else "distributed"}


@blueprint.get("/dashboard")
def index():
    now = runtime().clock.now()
    with runtime().uow_factory() as uow:
        channels = uow.channels.list()
        days = _per_day(uow, now)
        waiting = uow.inbox.count_by_status(InboxQuery())
        paytraq = _paytraq_today(uow, now)
        shops = [(c, _silence(uow.deliveries.recent(c.id, 21), now), uow.stock_runs.latest(c.id))
                 for c in channels]
    outcomes = [s for s in InboxStatus if any(counts.get(s) for _d, counts, _t in days)]
    return render_template("dashboard.html", days=days, outcomes=outcomes, paytraq=paytraq,
                           waiting=waiting, shops=shops, workers=_workers(), now=now,
                           peak=max([t for _d, _c, t in days] + [1]))
