"""`sales-inbox sync CHANNEL_ID`: the "Sinhronizēt" button — stock (and prices) to Mozello."""

from __future__ import annotations

import json

import click

from application.handlers.sync_stock import sync_stock
from application.stock_commands import SyncStock
from entrypoints.cli.support import fail, runtime_for_cli
from entrypoints.views import run_view

SUMMARY_ORDER = ("updated", "would_update", "unchanged", "missing_in_mozello",
                 "missing_in_paytraq", "duplicate", "untracked", "skipped", "error",
                 "not_attempted")


@click.command()
@click.argument("channel_id")
@click.option("--dry-run", is_flag=True, help="show what would be written; write nothing")
@click.option("--json", "as_json", is_flag=True)
def sync(channel_id, dry_run, as_json):
    """Sync PayTraq stock (minus approved orders) and prices to Mozello, by SKU."""
    runtime = runtime_for_cli()
    with runtime.uow_factory() as uow:
        if uow.channels.get(channel_id) is None:
            fail(f"no channel {channel_id!r}")
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if as_json or total == 0:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="writing to Mozello", file=None)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        run = sync_stock(SyncStock(channel_id, dry_run), runtime.uow_factory(), runtime.gateways,
                         runtime.clock, runtime.stock_lock, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    with runtime.uow_factory() as uow:
        results = uow.stock_runs.results(run.id)
    view = run_view(run, results)
    if as_json:
        click.echo(json.dumps(view, indent=2, ensure_ascii=False))
    else:
        print_summary(view)
    if run.status.value != "succeeded":
        raise SystemExit(3)


def print_summary(view: dict) -> None:
    title = "dry run — nothing written" if view["dry_run"] else "stock sync"
    click.echo(f"{title}: {view['status']} (run {view['id']})")
    for name in SUMMARY_ORDER:
        if view["summary"].get(name):
            click.echo(f"  {name.replace('_', ' '):<20} {view['summary'][name]:>6}")
    changes = [r for r in view["results"] if r["action"] in ("updated", "would_update", "error")]
    if changes:
        click.echo(f"\n  {'SKU':<20} {'TARGET':<16} {'STOCK':<12} {'PRICE':<16} RESULT")
        for r in changes[:200]:
            stock = f"{r['old_stock']}→{r['new_stock']}" if r["new_stock"] is not None else ""
            price = f"{r['old_price']}→{r['new_price']}" if r["new_price"] is not None else ""
            click.echo(f"  {r['sku']:<20} {r['target']:<16} {stock:<12} {price:<16} "
                       f"{r['action']} {r['message']}")
        if len(changes) > 200:
            click.echo(f"  … and {len(changes) - 200} more (use --json)")
    if view["error"]:
        click.echo(f"  error: {view['error']}")
