"""What operators and monitors read: /healthz (open) and /metrics (its own token)."""

from __future__ import annotations

import structlog
from flask import Blueprint, jsonify

from entrypoints.web.context import runtime
from entrypoints.worker.broker import counters_for
from entrypoints.worker.metrics import exposition

logger = structlog.get_logger()

blueprint = Blueprint("ops", __name__)


@blueprint.get("/healthz")
def healthz():
    """Up or down, open to anyone (load balancers, uptime checks): nothing more is said here."""
    try:
        with runtime().uow_factory() as uow:
            uow.channels.list()
    except Exception as error:  # noqa: BLE001 - any failure to reach storage means "down"
        logger.error("healthz_storage_unreachable", error=type(error).__name__)
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@blueprint.get("/metrics")
def metrics():
    with runtime().uow_factory() as uow:
        counts = uow.inbox.count_by_channel_and_status()
    lines = ["# HELP sales_inbox_items Inbox items by channel and status",
             "# TYPE sales_inbox_items gauge"]
    for (channel, status), count in sorted(counts.items()):
        lines.append(f'sales_inbox_items{{channel="{channel}",status="{status.value}"}} {count}')
    lines += exposition(counters_for(runtime().config.redis_url))
    return "\n".join(lines) + "\n", 200, {"Content-Type": "text/plain; version=0.0.4"}
