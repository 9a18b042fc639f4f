"""What operators and monitors read: /healthz and /metrics."""

from __future__ import annotations

from flask import Blueprint, jsonify

from entrypoints.web.context import runtime
from entrypoints.worker.broker import counters_for
from entrypoints.worker.metrics import exposition

blueprint = Blueprint("ops", __name__)


@blueprint.get("/healthz")
def healthz():
    with runtime().uow_factory() as uow:
        channels = len(uow.channels.list())
    return jsonify(status="ok", channels=channels,
                   mode="embedded" if runtime().config.embedded else "distributed")


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
