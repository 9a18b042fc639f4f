"""The JSON API under /api/: channels, the inbox, stock sync runs, the catalogue mirror."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from application.commands import ProcessOrder, RetryOrder
from application.errors import SalesInboxError
from application.stock_commands import SyncStock
from domain.inbox import InboxStatus
from entrypoints.views import channel_view, item_detail, item_summary, run_view
from entrypoints.web.context import runtime

blueprint = Blueprint("api", __name__, url_prefix="/api")


@blueprint.get("/channels")
def channels():
    with runtime().uow_factory() as uow:
        return jsonify([channel_view(c, uow.channels.credentials(c.id))
                        for c in uow.channels.list()])


@blueprint.get("/channels/<channel_id>")
def channel(channel_id: str):
    with runtime().uow_factory() as uow:
        found = uow.channels.get(channel_id)
        if found is None:
            return jsonify(error="unknown channel"), 404
        return jsonify(channel_view(found, uow.channels.credentials(channel_id)))


@blueprint.get("/inbox")
def inbox():
    status = request.args.get("status")
    try:
        wanted = InboxStatus(status) if status else None
    except ValueError:
        return jsonify(error=f"unknown status {status!r}"), 400
    with runtime().uow_factory() as uow:
        items = uow.inbox.list(request.args.get("channel"), wanted)
    return jsonify([item_summary(i) for i in items])


@blueprint.get("/inbox/<channel_id>/<order_id>")
def inbox_item(channel_id: str, order_id: str):
    with runtime().uow_factory() as uow:
        item = uow.inbox.get(channel_id, order_id)
    if item is None:
        return jsonify(error="unknown order"), 404
    return jsonify(item_detail(item))


@blueprint.post("/inbox/<channel_id>/<order_id>/process")
def process(channel_id: str, order_id: str):
    return _run(ProcessOrder(channel_id, order_id, manual=True), channel_id, order_id)


@blueprint.post("/inbox/<channel_id>/<order_id>/retry")
def retry(channel_id: str, order_id: str):
    return _run(RetryOrder(channel_id, order_id), channel_id, order_id)


@blueprint.post("/channels/<channel_id>/sync")
def sync(channel_id: str):
    """The "Sinhronizēt" button: queue a stock sync (`?dry_run=1` writes nothing)."""
    with runtime().uow_factory() as uow:
        if uow.channels.get(channel_id) is None:
            return jsonify(error="unknown channel"), 404
    dry_run = request.args.get("dry_run", "").lower() in ("1", "true", "yes")
    command = SyncStock(channel_id, dry_run)
    if runtime().dispatch is not None and runtime().dispatch(command):
        return jsonify(queued=True, dry_run=dry_run), 202
    runtime().bus().handle(command)
    with runtime().uow_factory() as uow:
        run = uow.stock_runs.latest(channel_id)
        return jsonify(run_view(run, uow.stock_runs.results(run.id))), 200


@blueprint.get("/channels/<channel_id>/sync")
def sync_runs(channel_id: str):
    with runtime().uow_factory() as uow:
        runs = uow.stock_runs.list(channel_id)
    return jsonify([run_view(r) for r in runs])


@blueprint.get("/channels/<channel_id>/catalogue")
def catalogue(channel_id: str):
    """The Mozello catalogue as the product webhooks last described it."""
    with runtime().uow_factory() as uow:
        products = uow.catalogue.list(channel_id)
    return jsonify([{"handle": p.handle, "sku": p.sku, "stock": p.stock,
                     "modified_at": p.modified_at, "product": p.data} for p in products])


def _run(command, channel_id: str, order_id: str):
    try:
        runtime().bus().handle(command)
    except SalesInboxError as error:
        return jsonify(error=str(error)), 409
    with runtime().uow_factory() as uow:
        item = uow.inbox.get(channel_id, order_id)
    return jsonify(item_detail(item) if item else {}), 200
