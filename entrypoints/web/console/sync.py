"""Stock sync (Noliktavas sinhronizācija): the Sync button, a preview (dry run), progress,
the report per SKU and the history of runs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from application.errors import SalesInboxError
from application.stock_commands import SyncStock
from entrypoints.web.console.actions import record
from entrypoints.web.context import runtime

blueprint = Blueprint("sync", __name__, url_prefix="/channels/<channel_id>/sync")


def _channel(uow, channel_id: str):
    channel = uow.channels.get(channel_id)
    if channel is None:
        abort(404)
    return channel


@blueprint.get("/")
def index(channel_id: str):
    with runtime().uow_factory() as uow:
        channel = _channel(uow, channel_id)
        runs = uow.stock_runs.list(channel_id, limit=30)
    return render_template("sync.html", channel=channel, runs=runs,
                           waiting=request.args.get("waiting"))


@blueprint.post("/")
def start(channel_id: str):
    dry_run = request.form.get("dry_run") == "1"
    with runtime().uow_factory() as uow:
        _channel(uow, channel_id)
        before = uow.stock_runs.latest(channel_id)
    record("sync_preview" if dry_run else "sync", channel_id)
    command = SyncStock(channel_id, dry_run)
    try:
        if runtime().dispatch is None or not runtime().dispatch(command):
            runtime().bus().handle(command)
    except SalesInboxError as error:
        flash(_("The sync did not start: %(error)s", error=str(error)), "error")
        return redirect(url_for("sync.index", channel_id=channel_id))
    return redirect(url_for("sync.index", channel_id=channel_id,
                            waiting=before.id if before else "none"))


@blueprint.get("/progress.json")
def progress(channel_id: str):
    """What the page polls while a sync runs: the newest run and whether it has finished."""
    with runtime().uow_factory() as uow:
        _channel(uow, channel_id)
        run = uow.stock_runs.latest(channel_id)
        done = len(uow.stock_runs.results(run.id)) if run else 0
    if run is None:
        return jsonify(run=None)
    return jsonify(run=run.id, status=run.status.value, dry_run=run.dry_run, results=done,
                   url=url_for("sync.report", channel_id=channel_id, run_id=run.id))


@blueprint.get("/<run_id>")
def report(channel_id: str, run_id: str):
    with runtime().uow_factory() as uow:
        channel = _channel(uow, channel_id)
        run = uow.stock_runs.get(run_id)
        if run is None or run.channel_id != channel_id:
            abort(404)
        results = uow.stock_runs.results(run_id)
    groups = {}
    for result in results:
        groups.setdefault(result.action, []).append(result)
    return render_template("sync_report.html", channel=channel, run=run, results=results,
                           groups=groups)
