"""`sales-inbox inbox trace ORDER_ID`, and a person's answer after a lost answer:
`inbox payment ORDER_ID --booked|--not-booked`, `inbox connect ORDER_ID --delivered|--not-delivered`."""

from __future__ import annotations

import json

import click

from application.commands import AnswerConnectCheck, AnswerPaymentCheck, ProcessOrder
from application.order_trace import OrderTrace, trace_order
from application.ports import WriteDialect


def render(trace: OrderTrace) -> str:
    out = [f"trace of order {trace.order_id} (channel {trace.channel_id}): {trace.status}",
           "(redacted: the buyer's personal data and every secret are left out; bodies are not "
           "kept)"]
    out += [f"  {key}: {value}" for key, value in trace.summary.items()]
    dialect = trace.write_dialect
    out.append(f"  write shapes: POST sale root {dialect.sale_root or 'not learned'}, payment "
               f"form {dialect.payment_form or 'not learned'}")
    out.append(f"  client search: {_client_query(trace)}")
    out += [f"  reason: {reason}" for reason in trace.reasons]
    out.append("steps:")
    for step in trace.steps:
        detail = " ".join(f"{k}={v}" for k, v in step.detail.items())
        out.append(f"  {step.at.isoformat()}  {step.name}  {detail}".rstrip())
    out.append("calls:")
    for call in trace.calls:
        error = f"  {call.error}" if call.error else ""
        out.append(f"  {call.at.isoformat()}  {call.api:<7} {call.method:<4} {call.path}  "
                   f"{call.status if call.status is not None else '-'}  {call.duration_ms} ms"
                   f"{error}")
    if not trace.calls:
        out.append("  (none recorded)")
    return "\n".join(out)


def _client_query(trace: OrderTrace) -> str:
    """What `channel check` showed clients?query= matches, hence a new buyer's searches."""
    shown = dict(trace.client_query.shown)
    if not any(shown.values()):
        return "nothing shown by channel check: a new buyer's keys are searched in turn"
    matched = ", ".join(kind for kind, yes in shown.items() if yes)
    missed = ", ".join(kind for kind, yes in shown.items() if not yes)
    return (f"clients?query= shown to match {matched}" + (f", not {missed}" if missed else "")
            + ": a new buyer is searched for by the strongest of these it has")


def register(inbox: click.Group, one) -> None:
    """Add the commands to the `inbox` group; `one(order_id, channel_id)` finds the item."""

    @inbox.command("trace")
    @click.argument("order_id")
    @click.option("--channel", "channel_id")
    @click.option("--json", "as_json", is_flag=True)
    def trace(order_id, channel_id, as_json):
        """A redacted wire trace of one order: attach it when you report a mismatch."""
        runtime, item = one(order_id, channel_id)
        remembered = getattr(runtime.gateways, "write_dialect", None)
        dialect = remembered(item.channel_id) if remembered else WriteDialect()
        found = trace_order(runtime.uow_factory(), item.channel_id, item.order_id, dialect)
        if as_json:
            click.echo(json.dumps(found.as_dict(), indent=2, ensure_ascii=False))
        else:
            click.echo(render(found))

    def settle(order_id, channel_id, answer) -> None:
        """A person's answer to an uncertain write, then the order is processed again."""
        runtime, item = one(order_id, channel_id)
        runtime.bus().handle(answer(item.channel_id, item.order_id))
        runtime.bus().handle(ProcessOrder(item.channel_id, item.order_id, manual=True))
        _, item = one(order_id, item.channel_id)
        click.echo(f"{item.order_id}: {item.status.value}")

    @inbox.command("payment")
    @click.argument("order_id")
    @click.option("--channel", "channel_id")
    @click.option("--booked/--not-booked", required=True,
                  help="what PayTraq shows for a payment whose answer was lost")
    def payment(order_id, channel_id, booked):
        """Settle a `payment_uncertain` review: it was booked (record it) or not (book it now)."""
        settle(order_id, channel_id, lambda c, o: AnswerPaymentCheck(c, o, booked))

    @inbox.command("connect")
    @click.argument("order_id")
    @click.option("--channel", "channel_id")
    @click.option("--delivered/--not-delivered", required=True,
                  help="what PayTraq shows for an order whose Connect answer was lost")
    def connect(order_id, channel_id, delivered):
        """Settle a `connect_uncertain` review: delivered (taken as sent) or not (send again)."""
        settle(order_id, channel_id, lambda c, o: AnswerConnectCheck(c, o, delivered))
