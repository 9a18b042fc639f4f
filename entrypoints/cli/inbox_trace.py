"""`sales-inbox inbox trace ORDER_ID`: a redacted wire trace of one order."""

from __future__ import annotations

import json

import click

from entrypoints.wire_trace import render, take_trace


def register(inbox: click.Group, one) -> None:
    """Add the commands to the `inbox` group; `one(order_id, channel_id)` finds the item."""

    @inbox.command("trace")
    @click.argument("order_id")
    @click.option("--channel", "channel_id")
    @click.option("--json", "as_json", is_flag=True)
    @click.option("--no-bodies", is_flag=True,
                  help="leave out the request and response bodies of the calls")
    def trace(order_id, channel_id, as_json, no_bodies):
        """A redacted wire trace of one order: attach it when you report a mismatch."""
        runtime, item = one(order_id, channel_id)
        found = take_trace(runtime, item.channel_id, item.order_id, bodies=not no_bodies)
        if as_json:
            click.echo(json.dumps(found.as_dict(), indent=2, ensure_ascii=False))
        else:
            click.echo(render(found, bodies=not no_bodies))
