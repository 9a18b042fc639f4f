"""The dashboard: how the orders went, what waits for a person, PayTraq's daily budget, when
each shop last spoke, the last stock sync, and the workers."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from statistics import median

import dramatiq
from flask import Blueprint, render_template

from adapters.paytraq.api import DAILY_LIMIT
from application.dashboard import Dashboard, dashboard
from domain.inbox import InboxStatus
from entrypoints.web.context import runtime
from entrypoints.worker.broker import counters_for

blueprint = Blueprint("dashboard", __name__)
DAYS = 14
QUIET_AT_LEAST = timedelta(hours=24)


def _paytraq_today(board: Dashboard, now: datetime) -> dict:
    """Calls since 00:00 UTC (when PayTraq's budget resets) and where that pace leads."""
    calls = board.paytraq_calls_today
    midnight = datetime.combine(now.astimezone(UTC).date(), time(), UTC)
    hours = max((now - midnight).total_seconds() / 3600, 0.25)
    projected = int(calls / hours * 24)
    budget = board.paytraq_daily_budget
    return {"calls": calls, "budget": budget, "per_hour": round(calls / hours, 1),
            "projected": projected, "warn": projected > budget * 0.8}


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
    """What the application's dashboard answers (as the JSON API's), plus each shop's silence."""
    the_runtime = runtime()
    now = the_runtime.clock.now()
    board = dashboard(the_runtime.uow_factory(), the_runtime.clock, DAILY_LIMIT, days=DAYS)
    with the_runtime.uow_factory() as uow:
        shops = [(h.channel, _silence(uow.deliveries.recent(h.channel.id, 21), now), h.last_sync)
                 for h in board.channels]
    days = [(d.day, d.counts, sum(d.counts.values())) for d in board.days]
    outcomes = [s for s in InboxStatus if any(counts.get(s) for _d, counts, _t in days)]
    return render_template("dashboard.html", days=days, outcomes=outcomes,
                           paytraq=_paytraq_today(board, now), waiting=board.totals,
                           shops=shops, workers=_workers(), now=now,
                           peak=max([t for _d, _c, t in days] + [1]))
