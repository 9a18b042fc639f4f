"""`inbox trace ORDER_ID`: what Sales Inbox did for one order and every call it made to PayTraq
and Mozello for it, with the buyer's personal data and all secrets left out — safe to attach to
a report of a totals mismatch or a refused write.

Secrets never reach the audit log (paths and bodies are masked when recorded); the buyer's
name, company, e-mail, phone, numbers and address are replaced by placeholders wherever they
appear. The calls made for the order keep their request and response bodies (for
SALES_INBOX_KEEP_CALL_BODIES_DAYS): shown through `show_body`, which knows the APIs' formats and
which of their elements hold personal data (adapters/shown_bodies.py); without it the trace
leaves the bodies out."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

from application.errors import UnknownOrder
from application.ports import (
    AuditEntry,
    CallBodies,
    ClientQueryProof,
    UnitOfWork,
    WriteDialect,
)
from domain.inbox import InboxItem
from domain.orders import Address, Customer


@dataclass(frozen=True, slots=True)
class TraceStep:
    at: datetime
    name: str
    detail: dict[str, str]


@dataclass(frozen=True, slots=True)
class OrderTrace:
    channel_id: str
    order_id: str
    status: str
    summary: dict[str, str]
    reasons: tuple[str, ...]
    steps: tuple[TraceStep, ...]
    calls: tuple[AuditEntry, ...]
    write_dialect: WriteDialect
    client_query: ClientQueryProof = field(default_factory=ClientQueryProof)  # channel check
    sales_query_shown_at: datetime | None = None  # when the check showed sales?query= finds a ref

    def as_dict(self) -> dict:
        return {
            "channel_id": self.channel_id, "order_id": self.order_id, "status": self.status,
            "summary": self.summary, "reasons": list(self.reasons),
            "write_dialect": {"sale_root": self.write_dialect.sale_root,
                              "payment_form": self.write_dialect.payment_form},
            "client_query": dict(self.client_query.shown),
            "sales_query_shown_at": (self.sales_query_shown_at.isoformat()
                                     if self.sales_query_shown_at else None),
            "steps": [{"at": s.at.isoformat(), "name": s.name, "detail": s.detail}
                      for s in self.steps],
            "calls": [_call_dict(c) for c in self.calls],
        }


def _call_dict(call: AuditEntry) -> dict:
    shown = {"at": call.at.isoformat(), "api": call.api, "method": call.method,
             "path": call.path, "status": call.status, "duration_ms": call.duration_ms,
             "error": call.error}
    if call.bodies is not None:
        shown["query"] = call.bodies.query
        shown["request"] = {"content_type": call.bodies.request_type,
                            "body": call.bodies.request_body}
        shown["response"] = {"content_type": call.bodies.response_type,
                             "body": call.bodies.response_body}
    return shown


class Redactor:
    """Replaces the buyer's personal data with placeholders — as written, and as it reads inside
    XML, JSON or a URL (escaped, encoded)."""

    def __init__(self, customer: Customer, delivery: Address | None = None, notes: str = ""):
        pairs = [
            (customer.email, "[e-mail]"), (customer.phone, "[phone]"),
            (customer.registration_number, "[reg. no.]"), (customer.vat_number, "[VAT no.]"),
            (customer.company, "[company]"), (customer.name, "[buyer]"), (notes, "[notes]"),
        ]
        for address in (customer.billing_address, delivery or Address()):
            pairs += [(address.address, "[address]"), (address.zip, "[zip]"),
                      (address.city, "[city]")]
        written = {(v.strip(), p) for v, p in pairs if len(v.strip()) >= 3}
        self._pairs = sorted({(form, p) for v, p in written for form in _forms(v)},
                             key=lambda pair: (-len(pair[0]), pair))

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        for value, placeholder in self._pairs:
            text = text.replace(value, placeholder)
        return text


def _forms(value: str) -> set[str]:
    return {value, html.escape(value, quote=False), json.dumps(value)[1:-1],
            json.dumps(value, ensure_ascii=False)[1:-1], quote(value), quote_plus(value)}


ShowBody = Callable[[str, str | None, Redactor], str]
"""A stored body (its text and content type) as a person reads it, the buyer's data replaced."""


def trace_order(uow: UnitOfWork, channel_id: str, order_id: str, dialect: WriteDialect,
                show_body: ShowBody | None = None) -> OrderTrace:
    """The trace of one order; with `show_body`, each call's bodies too."""
    with uow:
        item = uow.inbox.get(channel_id, order_id)
        if item is None:
            raise UnknownOrder(channel_id, order_id)
        calls = uow.audit.for_order(channel_id, order_id)
        client_query = uow.write_dialects.client_query(channel_id)
        sales_query_shown_at = uow.write_dialects.sales_query_shown_since(channel_id)
    order = item.order
    redact = Redactor(order.customer, order.delivery_address, order.notes)
    return OrderTrace(
        channel_id, order_id, item.status.value, _summary(item),
        tuple(redact(r.message) or "" for r in item.reasons),
        tuple(TraceStep(s.at, s.name, {k: redact(v) or "" for k, v in s.detail.items()})
              for s in item.steps),
        tuple(_traced(call, redact, show_body) for call in calls),
        dialect, client_query, sales_query_shown_at,
    )


def _traced(call: AuditEntry, redact: Redactor, show_body: ShowBody | None) -> AuditEntry:
    bodies = call.bodies
    if bodies is not None and show_body is not None:
        def shown(text: str | None, content_type: str | None) -> str | None:
            return show_body(text, content_type, redact) if text else text

        bodies = CallBodies(_query(bodies.query, redact), bodies.request_type,
                            shown(bodies.request_body, bodies.request_type),
                            bodies.response_type,
                            shown(bodies.response_body, bodies.response_type))
    else:
        bodies = None
    return replace(call, path=redact(call.path) or "", error=redact(call.error), bodies=bodies)


def _query(query: str | None, redact: Redactor) -> str | None:
    if not query:
        return query
    pairs = [(name, redact(value)) for name, value in parse_qsl(query, keep_blank_values=True)]
    return urlencode(pairs, safe="[]*.@ -:", quote_via=quote)


def _summary(item: InboxItem) -> dict[str, str]:
    order = item.order
    summary = {
        "shop_total": f"{order.total} {order.currency}", "shop_taxes": str(order.taxes),
        "lines": str(len(order.lines)),
        "vat_rates": ", ".join(sorted({f"{line.vat_rate}%" for line in order.lines})),
        "prices_include_vat": str(all(line.price_includes_vat for line in order.lines)),
        "shipping": f"{order.shipping.price} at {order.shipping.vat_rate}%" if order.shipping
        else "none",
        "discount": str(order.discount.amount) if order.discount else "none",
        "payment": f"{order.payment_method} ({order.payment_status.value})",
        "paytraq_total": str(item.paytraq_total) if item.paytraq_total is not None else "-",
        "paytraq_calls": str(item.paytraq_calls),
    }
    if item.document is not None:
        summary["document"] = (f"{item.document.id} ({item.document.sale_type}, "
                               f"{item.document.status})")
    return summary
