"""JSON views of channels and inbox items, shared by the JSON API and `--json` CLI output.
The field names are a documented contract (README, "JSON output")."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import Enum

from application.channel_setup import webhook_path as channel_webhook_path
from application.ports import ChannelCredentials
from domain.inbox import InboxItem
from domain.money import CENT
from domain.settings import Channel


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _amount(value: Decimal | None) -> str | None:
    """An amount as a string with two decimals (README, "JSON output"), rounded half-up.
    Whatever the amount — 1e30 from a broken shop, say — presenting it never fails."""
    if value is None:
        return None
    value = Decimal(value)
    if not value.is_finite():
        return str(value)
    with localcontext() as context:
        context.prec = max(28, value.adjusted() + 3)  # room for every digit and the cents
        return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def mask(secret: str) -> str:
    if not secret:
        return ""
    return ("*" * 8) + secret[-4:] if len(secret) > 8 else "*" * 8


def mask_url(url: str) -> str:
    """The PayTraq Connect URL without its channel number (whoever has it can post orders)."""
    if not url:
        return ""
    head, _, last = url.rstrip("/").rpartition("/")
    return f"{head}/{mask(last)}"


def channel_view(channel: Channel, credentials: ChannelCredentials | None = None,
                 webhook_path: str | None = None) -> dict:
    s = channel.settings
    view = {
        "id": channel.id,
        "name": channel.name,
        "active": channel.active,
        "webhook_path": webhook_path or channel_webhook_path(channel.id),
        "settings": {
            "auto_process": s.auto_process,
            "auto_process_since": s.auto_process_since.isoformat() if s.auto_process_since
            else None,
            "trigger": s.trigger.value,
            "trigger_overrides": {m: t.value for m, t in s.trigger_overrides},
            "document_type": s.document_type.value,
            "operation": s.operation.value,
            "approve": s.approve,
            "add_payment": s.add_payment,
            "send_email": s.send_email,
            "payment_map": {m.method: m.money_account_id for m in s.payment_mappings},
            "merchant_accounts": [m.method for m in s.payment_mappings if m.merchant_account],
            "tax_map": {str(rate): key for rate, key in s.tax_keys},
            "rounding_tax_key": s.rounding_tax_key,
            "warehouse_id": s.warehouse_id,
            "unknown_sku": s.unknown_sku.value,
            "rounding_limit": str(s.rounding_limit),
            "email_via": s.email_via.value,
            "paytraq_transport": s.paytraq_transport.value,
            "currency": s.currency,
            "stock_sync": _plain(asdict(s.stock_sync)),
        },
    }
    if credentials is not None:
        view["credentials"] = {
            "mozello_api_key": mask(credentials.mozello_api_key),
            "paytraq_api_key": mask(credentials.paytraq_api_key),
            "paytraq_api_token": mask(credentials.paytraq_api_token),
            "smtp_host": credentials.smtp_host,
            "smtp_port": credentials.smtp_port,
            "smtp_user": credentials.smtp_user,
            "smtp_password": mask(credentials.smtp_password),
            "smtp_from": credentials.smtp_from,
            "smtp_security": credentials.smtp_security,
            "paytraq_connect_url": mask_url(credentials.paytraq_connect_url),
        }
    return view


def item_summary(item: InboxItem) -> dict:
    order = item.order
    return {
        "channel_id": item.channel_id,
        "order_id": item.order_id,
        "status": item.status.value,
        "received_at": item.received_at.isoformat(),
        "updated_at": item.updated_at.isoformat() if item.updated_at else None,
        "customer": order.customer.display_name,
        "payment_method": order.payment_method,
        "payment_status": order.payment_status.value,
        "shop_total": _amount(order.total),
        "currency": order.currency,
        "paytraq_total": _amount(item.paytraq_total),
        "document_id": item.document.id if item.document else None,
        "reasons": [r.message for r in item.reasons],
        "error": item.error,
    }


def item_detail(item: InboxItem) -> dict:
    view = item_summary(item)
    order = item.order
    view.update(
        {
            "shop_taxes": _amount(order.taxes),
            "document": _plain(asdict(item.document) | {"total": _amount(item.document.total)})
            if item.document else None,
            "payment": _plain(asdict(item.payment) | {"amount": _amount(item.payment.amount)})
            if item.payment else None,
            "emailed_at": item.emailed_at.isoformat() if item.emailed_at else None,
            "emailed_to": item.emailed_to or None,
            "attempts": item.attempts,
            "paytraq_calls": item.paytraq_calls,
            "reason_details": [
                {"code": r.code.value, "message": r.message, "details": dict(r.details)}
                for r in item.reasons
            ],
            "steps": [
                {"name": s.name, "at": s.at.isoformat(), "detail": s.detail} for s in item.steps
            ],
            "lines": [
                {
                    "sku": line.sku,
                    "name": line.name,
                    "quantity": str(line.quantity),
                    "unit_price": _amount(line.unit_price),
                    "vat_rate": str(line.vat_rate) if line.vat_rate is not None else None,
                }
                for line in order.lines
            ],
        }
    )
    return view


def run_view(run, results=()) -> dict:
    """A stock sync run with its per-SKU results (`sync --json`, the API's sync endpoint)."""
    return {
        "id": run.id,
        "channel_id": run.channel_id,
        "dry_run": run.dry_run,
        "status": run.status.value,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "summary": dict(run.summary),
        "error": run.error,
        "results": [
            {
                "sku": r.sku,
                "target": r.target,
                "action": r.action,
                "old_stock": r.old_stock,
                "new_stock": r.new_stock,
                "old_price": str(r.old_price) if r.old_price is not None else None,
                "new_price": str(r.new_price) if r.new_price is not None else None,
                "message": r.message,
            }
            for r in results
        ],
    }
