"""`sales-inbox inbox …`: what happened to each order, and why; process or retry it."""

from __future__ import annotations

import json

import click

from application.commands import ProcessOrder, RetryOrder
from application.errors import SalesInboxError
from domain.inbox import InboxStatus
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
}


@click.group()
def inbox() -> None:
    """The Sales Inbox (Pārdošanas iesūtne): one item per Mozello order."""


def _find(uow, order_id: str, channel_id: str | None):
    if channel_id:
        item = uow.inbox.get(channel_id, order_id)
        return [item] if item else []
    return [i for i in uow.inbox.list() if i.order_id == order_id]


def _one(order_id: str, channel_id: str | None):
    runtime = runtime_for_cli()
    with runtime.uow_factory() as uow:
        items = _find(uow, order_id, channel_id)
    if not items:
        fail(f"no order {order_id!r} in the inbox")
    if len(items) > 1:
        fail(f"order {order_id!r} is in several channels; add --channel")
    return runtime, items[0]


@inbox.command("list")
@click.option("--channel", "channel_id")
@click.option("--status", type=click.Choice([s.value for s in InboxStatus]))
@click.option("--json", "as_json", is_flag=True)
def list_items(channel_id, status, as_json):
    runtime = runtime_for_cli()
    with runtime.uow_factory() as uow:
        if channel_id and uow.channels.get(channel_id) is None:
            fail(f"no channel {channel_id!r}")
        items = uow.inbox.list(channel_id, InboxStatus(status) if status else None)
    if as_json:
        click.echo(json.dumps([item_summary(i) for i in items], indent=2, ensure_ascii=False))
        return
    if not items:
        click.echo("the inbox is empty")
        return
    click.echo(f"{'ORDER':<20} {'STATUS':<17} {'TOTAL':>10} {'PAYTRAQ':>10}  REASON")
    for i in items:
        reason = "; ".join(r.message for r in i.reasons) or (i.error or "")
        paytraq = str(i.paytraq_total) if i.paytraq_total is not None else "-"
        click.echo(f"{i.order_id:<20} {i.status.value:<17} {str(i.order.total):>10} "
                   f"{paytraq:>10}  {reason[:100]}")


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
    if all_failed:
        with runtime.uow_factory() as uow:
            targets = [(i.channel_id, i.order_id)
                       for i in uow.inbox.list(channel_id, InboxStatus.FAILED)]
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
