"""`inbox trace ORDER_ID`: what Sales Inbox did for one order and every call it made to PayTraq
and Mozello for it, with the buyer's personal data and all secrets left out — safe to attach to
a report of a totals mismatch or a refused write.

Secrets never reach the audit log (its paths are masked when recorded); the buyer's name,
company, e-mail, phone, numbers and address are replaced by placeholders wherever they appear.
Request and response bodies are not kept, so the trace names calls, not their contents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from application.errors import UnknownOrder
from application.ports import AuditEntry, ClientQueryProof, UnitOfWork, WriteDialect
from domain.inbox import InboxItem
from domain.orders import Customer


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

    def as_dict(self) -> dict:
        return {
            "channel_id": self.channel_id, "order_id": self.order_id, "status": self.status,
            "summary": self.summary, "reasons": list(self.reasons),
            "write_dialect": {"sale_root": self.write_dialect.sale_root,
                              "payment_form": self.write_dialect.payment_form},
            "client_query": dict(self.client_query.shown),
            "steps": [{"at": s.at.isoformat(), "name": s.name, "detail": s.detail}
                      for s in self.steps],
            "calls": [{"at": c.at.isoformat(), "api": c.api, "method": c.method, "path": c.path,
                       "status": c.status, "duration_ms": c.duration_ms, "error": c.error}
                      for c in self.calls],
        }


class Redactor:
    """Replaces the buyer's personal data with placeholders."""

    def __init__(self, customer: Customer):
        address = customer.billing_address
        pairs = [
            (customer.email, "[e-mail]"), (customer.phone, "[phone]"),
            (customer.registration_number, "[reg. no.]"), (customer.vat_number, "[VAT no.]"),
            (customer.company, "[company]"), (customer.name, "[buyer]"),
            (address.address, "[address]"), (address.zip, "[zip]"), (address.city, "[city]"),
        ]
        self._pairs = sorted(((v.strip(), p) for v, p in pairs if len(v.strip()) >= 3),
                             key=lambda pair: -len(pair[0]))

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        for value, placeholder in self._pairs:
            text = text.replace(value, placeholder)
        return text


def trace_order(uow: UnitOfWork, channel_id: str, order_id: str,
                dialect: WriteDialect) -> OrderTrace:
    with uow:
        item = uow.inbox.get(channel_id, order_id)
        if item is None:
            raise UnknownOrder(channel_id, order_id)
        calls = uow.audit.for_order(channel_id, order_id)
        client_query = uow.write_dialects.client_query(channel_id)
    redact = Redactor(item.order.customer)
    return OrderTrace(
        channel_id, order_id, item.status.value, _summary(item),
        tuple(redact(r.message) or "" for r in item.reasons),
        tuple(TraceStep(s.at, s.name, {k: redact(v) or "" for k, v in s.detail.items()})
              for s in item.steps),
        tuple(AuditEntry(c.at, c.channel_id, c.api, c.method, redact(c.path) or "", c.status,
                         c.duration_ms, redact(c.error), c.order_id) for c in calls),
        dialect, client_query,
    )


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
