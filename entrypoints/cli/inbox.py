"""`sales-inbox inbox …`: what happened to each order, and why; process or retry it."""

from __future__ import annotations

import json
import shlex
import textwrap
from collections.abc import Iterable

import click

from application.commands import ProcessOrder, RetryOrder
from application.errors import SalesInboxError
from application.inbox_listing import Cursor, InboxQuery
from domain.inbox import InboxItem, InboxStatus
from entrypoints.cli.inbox_answers import register as register_answer_commands
from entrypoints.cli.inbox_pages import InboxReading
from entrypoints.cli.inbox_trace import register as register_trace_commands
from entrypoints.cli.support import fail, runtime_for_cli
from entrypoints.views import item_detail, item_summary

STATUS_LV = {
    "received": "Saņemts",
    "sent": "Nosūtīts uz PayTraq iesūtni",
    "document_created": "Dokuments izveidots (melnraksts)",
    "approved": "Apstiprināts/Iegrāmatots",
    "paid": "Apmaksa pievienota",
    "emailed": "Aizsūtīts pa e-pastu",
    "needs_review": "Jāpārskata",
    "failed": "Kļūda",
    "cancelled": "Atcelts",
    "handled": "Apstrādāts manuāli",
    "ignored": "Ignorēts",
}
DEFAULT_LIMIT = 50  # `inbox list` without --limit/--all: one keyset page, as quick at any size


@click.group()
def inbox() -> None:
    """The Sales Inbox (Pārdošanas iesūtne): one item per Mozello order."""


def _find(uow, order_id: str, channel_id: str | None):
    """The order in the given channel, or in any channel: one indexed read per channel."""
    channels = [channel_id] if channel_id else [c.id for c in uow.channels.list()]
    return [item for c in channels if (item := uow.inbox.get(c, order_id)) is not None]


def _echo_json_array(items: Iterable[InboxItem]) -> int:
    """The same text as `json.dumps([...], indent=2)`, written item by item; how many."""
    shown = 0
    for item in items:
        text = json.dumps(item_summary(item), indent=2, ensure_ascii=False)
        click.echo(("," if shown else "[") + "\n" + textwrap.indent(text, "  "), nl=False)
        shown += 1
    click.echo("\n]" if shown else "[]")
    return shown


def _one(order_id: str, channel_id: str | None):
    runtime = runtime_for_cli()
    with runtime.uow_factory() as uow:
        items = _find(uow, order_id, channel_id)
    if not items:
        fail(f"no order {order_id!r} in the inbox")
    if len(items) > 1:
        fail(f"order {order_id!r} is in several channels; add --channel")
    return runtime, items[0]


def _cursor(_context, _parameter, value: str | None) -> Cursor | None:
    """The listing's --after: a cursor a listing printed, as the API's `after` is checked."""
    if value is None:
        return None
    try:
        return Cursor.decode(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a cursor a listing gave (copy it from the line a cut-short "
            "`inbox list` wrote on stderr)") from None


def _more_hint(shown: int, after: Cursor | None, cursor: str) -> str:
    """Where a cut-short listing stopped, and the three ways on; for stderr, so --json stays
    one JSON array on stdout."""
    which = f"the {shown} after the given cursor" if after else f"the newest {shown}"
    return (f"showing {which}; more match: --limit N, --all, "
            f"or --after {shlex.quote(cursor)} for the next ones")


@inbox.command("list")
@click.option("--channel", "channel_id")
@click.option("--status", type=click.Choice([s.value for s in InboxStatus]))
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help=f"show at most N items (default {DEFAULT_LIMIT})")
@click.option("--all", "everything", is_flag=True,
              help="show every matching item, read a page at a time")
@click.option("--after", callback=_cursor, metavar="CURSOR",
              help="continue after the item a previous listing stopped at")
@click.option("--json", "as_json", is_flag=True, help="a JSON array of the items")
def list_items(channel_id, status, limit, everything, after, as_json):
    """The items newest first: the newest 50 that match the filters unless --limit or --all
    says otherwise. When more match, stderr says so and gives the --after cursor that
    continues exactly where the listing stopped."""
    if everything and limit is not None:
        raise click.UsageError("--limit and --all exclude each other")
    runtime = runtime_for_cli()
    with runtime.uow_factory() as uow:
        if channel_id and uow.channels.get(channel_id) is None:
            fail(f"no channel {channel_id!r}")
    query = InboxQuery(channel_id, InboxStatus(status) if status else None)
    reading = InboxReading(runtime.uow_factory, query, after,
                           None if everything else limit or DEFAULT_LIMIT)
    shown = _echo_json_array(reading) if as_json else _echo_table(
        reading, "the inbox is empty" if query == InboxQuery() and not after else "no items match")
    if reading.more:
        click.echo(_more_hint(shown, after, reading.more), err=True)


def _echo_table(items: Iterable[InboxItem], empty: str) -> int:
    """One line an item under a header (`empty` for none); how many were written."""
    shown = 0
    for i in items:
        if not shown:
            click.echo(f"{'ORDER':<20} {'STATUS':<17} {'TOTAL':>10} {'PAYTRAQ':>10}  REASON")
        reason = "; ".join(r.message for r in i.reasons) or (i.error or "")
        paytraq = str(i.paytraq_total) if i.paytraq_total is not None else "-"
        click.echo(f"{i.order_id:<20} {i.status.value:<17} {str(i.order.total):>10} "
                   f"{paytraq:>10}  {reason[:100]}")
        shown += 1
    if not shown:
        click.echo(empty)
    return shown


@inbox.command("show")
@click.argument("order_id")
@click.option("--channel", "channel_id")
@click.option("--json", "as_json", is_flag=True)
def show(order_id, channel_id, as_json):
    _, item = _one(order_id, channel_id)
    view = item_detail(item)
    if as_json:
        click.echo(json.dumps(view, indent=2, ensure_ascii=False))
        return
    click.echo(f"{item.order_id} ({item.channel_id}) — {item.status.value} "
               f"({STATUS_LV[item.status.value]})")
    click.echo(f"  Mozello total {view['shop_total']} {view['currency']} (VAT "
               f"{view['shop_taxes']}), PayTraq total {view['paytraq_total'] or '-'}")
    if item.document:
        click.echo(f"  PayTraq document {item.document.id} ({item.document.sale_type}, "
                   f"{item.document.status})")
    for reason in item.reasons:
        click.echo(f"  reason: {reason.message}")
    if item.error:
        click.echo(f"  error: {item.error}")
    for step in item.steps:
        detail = " ".join(f"{k}={v}" for k, v in step.detail.items())
        click.echo(f"  {step.at.isoformat()}  {step.name}  {detail}")


@inbox.command("process")
@click.argument("order_id")
@click.option("--channel", "channel_id")
def process(order_id, channel_id):
    """Process the order now, whatever the automatic-processing switch says."""
    runtime, item = _one(order_id, channel_id)
    runtime.bus().handle(ProcessOrder(item.channel_id, item.order_id, manual=True))
    _, item = _one(order_id, item.channel_id)
    click.echo(f"{item.order_id}: {item.status.value}")
    if item.status.value in ("failed", "needs_review"):
        for reason in item.reasons:
            click.echo(f"  reason: {reason.message}")
        if item.error:
            click.echo(f"  error: {item.error}")
        raise SystemExit(3)


@inbox.command("retry")
@click.argument("order_id", required=False)
@click.option("--channel", "channel_id")
@click.option("--all-failed", is_flag=True)
def retry(order_id, channel_id, all_failed):
    """Retry one failed order, or every failed one."""
    runtime = runtime_for_cli()
    if not order_id and not all_failed:
        fail("give an ORDER_ID or --all-failed")
    if all_failed:  # oldest failure first
        failed = InboxReading(runtime.uow_factory, InboxQuery(channel_id, InboxStatus.FAILED))
        targets = [(i.channel_id, i.order_id) for i in failed][::-1]
    else:
        _, item = _one(order_id, channel_id)
        targets = [(item.channel_id, item.order_id)]
    still_failing = 0
    for target_channel, target_order in targets:
        try:
            runtime.bus().handle(RetryOrder(target_channel, target_order))
        except SalesInboxError as error:  # one order's trouble does not stop the others
            click.echo(f"{target_order}: still failing: {error}", err=True)
            still_failing += 1
            continue
        with runtime.uow_factory() as uow:
            item = uow.inbox.get(target_channel, target_order)
        click.echo(f"{target_order}: {item.status.value}")
    if still_failing:
        raise SystemExit(3)


register_trace_commands(inbox, _one)
register_answer_commands(inbox, _one)
