"""`sales-inbox channel check ID`: the channel check's report as a table (or JSON)."""

from __future__ import annotations

import json
import textwrap

import click

from application.errors import UnknownChannel
from application.preflight import ChannelCheckReport, CheckChannel, check_channel
from entrypoints.cli.support import fail, runtime_for_cli

MARKS = {"ok": "ok", "warning": "WARN", "failed": "FAILED", "skipped": "skip"}


def run_check(channel_id: str, write_test: bool = False, payment_test: bool = False
              ) -> ChannelCheckReport:
    runtime = runtime_for_cli()
    webhook_url = f"{runtime.config.public_url}/webhooks/mozello/{channel_id}"
    try:
        return check_channel(CheckChannel(channel_id, webhook_url, write_test, payment_test),
                             runtime.uow_factory(), runtime.gateways, runtime.clock)
    except UnknownChannel:
        fail(f"no channel {channel_id!r}")


def render(report: ChannelCheckReport) -> str:
    """check · result · detail, then what the service will do about it."""
    width = max(len(line.check) for line in report.lines)
    out = [f"{'check':<{width}}  result  detail / → what the service will do"]
    for line in report.lines:
        out.append(f"{line.check:<{width}}  {MARKS[line.result.value]:<6}  {line.detail}")
        if line.action and line.result.value != "ok":
            for part in textwrap.wrap("→ " + line.action, 100):
                out.append(f"{'':<{width}}          {part}")
    verdict = ("automatic processing can run" if report.ok else
               f"{len(report.blocking)} check(s) that automatic processing needs failed")
    out.append(f"channel {report.channel_id}: {verdict}")
    return "\n".join(out)


@click.command("check")
@click.argument("channel_id")
@click.option("--write-test", is_flag=True,
              help="also create a marked test Draft, compare it element by element, void it "
                   "(a test company, or with the owner's consent)")
@click.option("--payment-test", is_flag=True,
              help="with --write-test: book 0.01 on a test sales order (delete it by hand after)")
@click.option("--json", "as_json", is_flag=True)
def check(channel_id, write_test, payment_test, as_json):
    """What works against this channel's PayTraq company and Mozello shop. Exit code 1 when
    something automatic processing needs does not work."""
    if payment_test and not write_test:
        fail("--payment-test needs --write-test")
    report = run_check(channel_id, write_test, payment_test)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render(report))
    if not report.ok:
        raise SystemExit(1)
