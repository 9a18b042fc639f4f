"""The demo's summary: one row per order, read from the Mozello sandbox, the PayTraq sandbox
and the inbox — what the shop charged, what PayTraq holds, and why, in plain words."""

from __future__ import annotations

from decimal import Decimal

from adapters.paytraq.sandbox.state import SandboxState
from domain.inbox import InboxItem
from entrypoints.cli.inbox import STATUS_LV
from entrypoints.demo.orders import PlacedOrder, ordered_text

DOCUMENT_LV = {"sales_order": "Pasūtījums", "sales_invoice": "Rēķins",
               "sales_proforma": "Avansa rēķins", "sales_receipt": "Čeks"}
DOCUMENT_STATUS_LV = {"draft": "Melnraksts", "in_process": "Apstiprināts",
                      "wait_payment": "Gaida apmaksu", "paid": "Apmaksāts",
                      "voided": "Anulēts", "done": "Pabeigts"}


def _money(value) -> str | None:
    return None if value is None else f"{Decimal(str(value)):.2f}"


def demo_row(placed: PlacedOrder, item: InboxItem | None, paytraq: SandboxState) -> dict:
    """One row of the demo table: the Mozello order, its PayTraq document and payment, the inbox."""
    order = placed.order
    sales = [s for s in paytraq.sales.values() if s.ref == placed.order_id]
    return {
        "order_id": placed.order_id,
        "scenario": placed.demo.scenario,
        "ordered": ordered_text(order),
        "customer_email": order["email"],
        "mozello_total": _money(order["total"]),
        "mozello_payment_method": order["payment_method"],
        "mozello_payment_status": order["payment_status"],
        "paytraq_documents": len(sales),
        **_paytraq_columns(sales[-1] if sales else None, paytraq),
        "inbox_status": item.status.value if item else None,
        "reason": "",
    }


def _paytraq_columns(sale, paytraq: SandboxState) -> dict:
    """The document, payment and e-mail columns of the order's latest PayTraq document."""
    if sale is None:
        return dict.fromkeys(PAYTRAQ_COLUMNS)
    payments = [p for p in paytraq.payments.values() if p.sale_id == sale.id]
    return {
        "paytraq_document_id": sale.id,
        "paytraq_document_type": sale.sale_type,
        "paytraq_document_status": sale.status,
        "paytraq_total": _money(paytraq.totals(sale).total),
        "paytraq_client_id": sale.client_id,
        "payment_amount": _money(sum(p.amount for p in payments)) if payments else None,
        "payment_money_account": payments[0].money_account_id if payments else None,
        "payment_overpayment": payments[0].overpayment if payments else None,
        "emailed_to": sale.messages[-1].to if sale.messages else None,
    }


PAYTRAQ_COLUMNS = ("paytraq_document_id", "paytraq_document_type", "paytraq_document_status",
                   "paytraq_total", "paytraq_client_id", "payment_amount", "payment_money_account",
                   "payment_overpayment", "emailed_to")


def explain(rows: list[dict], items: dict[str, InboxItem | None]) -> None:
    """Fill each row's `reason` in plain words; a repeat buyer is named by the first order."""
    first_by_client: dict[str, str] = {}
    for row in rows:
        row["reason"] = _reason(row, items.get(row["order_id"]))
        client = row["paytraq_client_id"]
        if client and client in first_by_client:
            row["reason"] += (f"; repeat customer: same PayTraq client {client} "
                              f"as {first_by_client[client]}")
        elif client:
            first_by_client[client] = row["order_id"]


def _reason(row: dict, item: InboxItem | None) -> str:
    if item is None:
        return "not in the inbox (no webhook reached Sales Inbox)"
    for reason in item.reasons:
        details = dict(reason.details)
        if reason.code.value == "totals_mismatch" and details.get("cause") == "rounding":
            return (f"VAT rounding: shop {row['mozello_total']}, PayTraq {row['paytraq_total']} "
                    "— document left Draft (Melnraksts), no payment")
        if reason.code.value == "unknown_sku":
            return (f"unknown SKU {details.get('sku') or '(none)'}: no PayTraq product has this "
                    "code — no document; create the product and run `inbox process`")
    if item.reasons:
        return "; ".join(r.message for r in item.reasons)
    if item.error:
        return f"failed: {item.error}"
    if item.status.value == "received" and row["mozello_payment_status"] != "paid":
        return (f"waits for the payment ({row['mozello_payment_method']} not paid yet); "
                "processing starts when Mozello reports it paid")
    if item.status.value == "emailed":
        variants = [f"{line.sku} ({', '.join(line.variant)})" for line in item.order.lines
                    if line.variant]
        done = "totals match — approved, payment booked"
        done += " as the client's overpayment (pārmaksa)" if row["payment_overpayment"] else ""
        done += ", e-mailed"
        return done + (f"; variant {', '.join(variants)} matched by SKU" if variants else "")
    return STATUS_LV.get(item.status.value, item.status.value)


COLUMNS = (("ORDER", "order_id"), ("ORDERED", "ordered"), ("MOZELLO", "mozello_total"),
           ("PAYTRAQ DOCUMENT", "document"), ("PAYTRAQ", "paytraq_total"),
           ("PAYMENT", "payment"), ("E-MAIL", "emailed_to"), ("INBOX", "inbox"))


def _cells(row: dict) -> dict:
    document = "-"
    if row["paytraq_document_type"]:
        document = (f"{DOCUMENT_LV.get(row['paytraq_document_type'], row['paytraq_document_type'])}"
                    f" / {DOCUMENT_STATUS_LV.get(row['paytraq_document_status'], row['paytraq_document_status'])}")
    payment = "-"
    if row["payment_amount"]:
        payment = f"{row['payment_amount']} → {row['payment_money_account']}"
        payment += " (pārmaksa)" if row["payment_overpayment"] else ""
    inbox = row["inbox_status"] or "-"
    inbox = f"{inbox} ({STATUS_LV[inbox]})" if inbox in STATUS_LV else inbox
    return {**{k: v if v is not None else "-" for k, v in row.items()},
            "document": document, "payment": payment, "inbox": inbox}


def render_table(rows: list[dict]) -> str:
    """One line per order, and under it the reason (the widest column) on a line of its own."""
    cells = [_cells(row) for row in rows]
    widths = {key: max([len(title)] + [len(str(c[key])) for c in cells]) for title, key in COLUMNS}
    lines = ["  ".join(title.ljust(widths[key]) for title, key in COLUMNS).rstrip()]
    lines.append("  ".join("-" * widths[key] for _, key in COLUMNS))
    for c in cells:
        lines.append("  ".join(str(c[key]).ljust(widths[key]) for _, key in COLUMNS).rstrip())
        lines.append(f"    └ {c['reason']}")
    return "\n".join(lines)
