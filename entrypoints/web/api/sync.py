"""Stock sync: start one (or a preview), its history, one run with its per-SKU results."""

from __future__ import annotations

from application.stock_commands import SyncStock
from entrypoints.views import run_view
from entrypoints.web.api import blueprint
from entrypoints.web.api.contract import ApiError, endpoint
from entrypoints.web.context import runtime
from entrypoints.web.schemas.common import QueuedSchema
from entrypoints.web.schemas.sync import SyncQuerySchema, SyncRunSchema


@endpoint(blueprint, "/channels/<channel_id>/sync", "POST", tag="sync", query=SyncQuerySchema(),
          answers={200: SyncRunSchema(), 202: QueuedSchema()}, errors=(404, 409, 503))
def sync(channel_id: str, query):
    """The "Sinhronizēt" button: sync stock (and prices) to Mozello; `dry_run` writes nothing

    With workers the sync is queued (202); in-process it runs now and answers its report (200).
    409: a sync of the channel is already running, or the channel lacks a setting it needs."""
    _channel(channel_id)
    command = SyncStock(channel_id, query["dry_run"])
    the_runtime = runtime()
    if the_runtime.dispatch is not None and the_runtime.dispatch(command):
        return {"queued": True, "dry_run": query["dry_run"]}, 202
    the_runtime.bus().handle(command)
    with the_runtime.uow_factory() as uow:
        run = uow.stock_runs.latest(channel_id)
        return run_view(run, uow.stock_runs.results(run.id)), 200


@endpoint(blueprint, "/channels/<channel_id>/sync", tag="sync",
          answers={200: SyncRunSchema(many=True)}, errors=(404,))
def sync_runs(channel_id: str):
    """The channel's stock sync runs, newest first (without their per-SKU results)"""
    _channel(channel_id)
    with runtime().uow_factory() as uow:
        return [run_view(r) for r in uow.stock_runs.list(channel_id)]


@endpoint(blueprint, "/channels/<channel_id>/sync/<run_id>", tag="sync",
          answers={200: SyncRunSchema()}, errors=(404,))
def sync_run(channel_id: str, run_id: str):
    """One stock sync run: per SKU old → new stock and price, what was missing, what failed"""
    with runtime().uow_factory() as uow:
        run = uow.stock_runs.get(run_id)
        if run is None or run.channel_id != channel_id:
            raise ApiError(404, f"no stock sync run {run_id!r} in channel {channel_id!r}")
        return run_view(run, uow.stock_runs.results(run_id))


def _channel(channel_id: str) -> None:
    with runtime().uow_factory() as uow:
        if uow.channels.get(channel_id) is None:
            raise ApiError(404, f"no channel {channel_id!r}")
