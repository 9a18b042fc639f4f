"""The wire trace of one order as a shop owner attaches it to a report of a mismatch: the CLI
prints it (`inbox trace ORDER_ID`), the console offers it as a download. One text for both, so
what a person sends is the same wherever it was taken."""

from __future__ import annotations

from textwrap import indent

from adapters.shown_bodies import show_body
from application.order_trace import OrderTrace, trace_order
from application.ports import AuditEntry, WriteDialect

BODY_INDENT = " " * 6


def take_trace(runtime, channel_id: str, order_id: str, bodies: bool = True) -> OrderTrace:
    """The order's trace; with `bodies`, each call's request and response, redacted."""
    remembered = getattr(runtime.gateways, "write_dialect", None)
    dialect = remembered(channel_id) if remembered else WriteDialect()
    return trace_order(runtime.uow_factory(), channel_id, order_id, dialect,
                       show_body if bodies else None)


def render(trace: OrderTrace, bodies: bool = True) -> str:
    kept = ("request and response bodies as sent and answered; kept "
            "SALES_INBOX_KEEP_CALL_BODIES_DAYS days" if bodies else "bodies left out")
    out = [f"trace of order {trace.order_id} (channel {trace.channel_id}): {trace.status}",
           "(redacted: the buyer's personal data is replaced by placeholders, every secret is "
           "masked)", f"({kept})"]
    out += [f"  {key}: {value}" for key, value in trace.summary.items()]
    dialect = trace.write_dialect
    out.append(f"  write shapes: POST sale root {dialect.sale_root or 'not learned'}, payment "
               f"form {dialect.payment_form or 'not learned'}")
    out.append(f"  client search: {_client_query(trace)}")
    out.append("  sale look-up after a lost answer: " + (
        f"sales?query= shown to find a DocumentRef at {trace.sales_query_shown_at:%Y-%m-%d %H:%M} "
        "UTC: a miss is conclusive" if trace.sales_query_shown_at else
        "sales?query=, then the sales around the order's date (not shown to find a "
        "DocumentRef)"))
    out += [f"  reason: {reason}" for reason in trace.reasons]
    out.append("steps:")
    for step in trace.steps:
        detail = " ".join(f"{k}={v}" for k, v in step.detail.items())
        out.append(f"  {step.at.isoformat()}  {step.name}  {detail}".rstrip())
    out.append("calls:")
    for call in trace.calls:
        out += _call(call)
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


def _call(call: AuditEntry) -> list[str]:
    error = f"  {call.error}" if call.error else ""
    query = f"?{call.bodies.query}" if call.bodies and call.bodies.query else ""
    lines = [f"  {call.at.isoformat()}  {call.api:<7} {call.method:<4} {call.path}{query}  "
             f"{call.status if call.status is not None else '-'}  {call.duration_ms} ms{error}"]
    if call.bodies is None:
        return lines
    for side, content_type, body in (
            ("request", call.bodies.request_type, call.bodies.request_body),
            ("response", call.bodies.response_type, call.bodies.response_body)):
        if body is None:
            continue
        lines.append(f"    {side} ({content_type or 'no content type'}):")
        lines.append(indent(body, BODY_INDENT, lambda _line: True) if body else
                     f"{BODY_INDENT}(empty)")
    return lines
