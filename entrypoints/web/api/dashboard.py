"""The dashboard: orders per day by outcome, what waits for a person, PayTraq calls today,
each shop's last webhook and last stock sync."""

from __future__ import annotations

from adapters.paytraq.api import DAILY_LIMIT
from application.dashboard import dashboard as dashboard_query
from domain.inbox import InboxStatus
from entrypoints.views import item_summary, run_view
from entrypoints.web.api import blueprint
from entrypoints.web.api.contract import endpoint
from entrypoints.web.context import runtime
from entrypoints.web.schemas.dashboard import DashboardQuerySchema, DashboardSchema


@endpoint(blueprint, "/dashboard", tag="dashboard", query=DashboardQuerySchema(),
          answers={200: DashboardSchema()})
def dashboard(query):
    """Orders per day by outcome, items needing review, PayTraq calls today, each shop's health

    Days are Europe/Riga days, oldest first; PayTraq's daily budget resets at 00:00 UTC."""
    the_runtime = runtime()
    board = dashboard_query(the_runtime.uow_factory(), the_runtime.clock, DAILY_LIMIT,
                            days=query["days"])
    return {
        "days": [{"day": d.day.isoformat(), "counts": _counts(d.counts)} for d in board.days],
        "totals": _counts(board.totals),
        "needs_review": board.totals.get(InboxStatus.NEEDS_REVIEW, 0),
        "review_items": [item_summary(i) for i in board.needs_review],
        "paytraq_calls": {"used_today": board.paytraq_calls_today,
                          "last_hour": board.paytraq_calls_last_hour,
                          "daily_budget": board.paytraq_daily_budget},
        "channels": [
            {"id": h.channel.id, "name": h.channel.name, "active": h.channel.active,
             "last_webhook_at": h.last_webhook_at.isoformat() if h.last_webhook_at else None,
             "last_sync": run_view(h.last_sync) if h.last_sync else None,
             "paytraq_calls_today": h.paytraq_calls_today}
            for h in board.channels
        ],
    }


def _counts(counts: dict[InboxStatus, int]) -> dict[str, int]:
    return {status.value: counts.get(status, 0) for status in InboxStatus}
