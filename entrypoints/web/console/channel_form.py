"""The channel settings form: read every field, say what is wrong next to the field, and only
when nothing is wrong produce the new settings (nothing is ever half-saved)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import time
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from application.channel_settings import SettingsChange
from application.channel_setup import unsendable_keys
from application.ports import ChannelCredentials
from domain.settings import (
    ChannelSettings,
    DocumentType,
    EmailVia,
    Operation,
    PaymentMapping,
    PayTraqTransport,
    StockSyncSettings,
    Trigger,
    UnknownSkuPolicy,
)

KNOWN_VAT_RATES = (Decimal(21), Decimal(12), Decimal(5), Decimal(0))
PAYTRAQ_ID = re.compile(r"^\d{1,18}$")
MAX_ROUNDING_LIMIT = Decimal("1.00")


@dataclass
class ChannelForm:
    settings: ChannelSettings | None = None
    credentials: ChannelCredentials | None = None
    name: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors


def vat_rates(settings: ChannelSettings) -> list[Decimal]:
    return sorted({*KNOWN_VAT_RATES, *(rate for rate, _ in settings.tax_keys)}, reverse=True)


def rate_field(rate: Decimal) -> str:
    return "tax-" + str(rate).replace(".", "_")


class _Reader:
    def __init__(self, form, errors: dict[str, str]):
        self.form, self.errors = form, errors

    def text(self, name: str, limit: int = 200) -> str:
        value = self.form.get(name, "").strip()
        if len(value) > limit:
            self.errors[name] = _("At most %(n)d characters.", n=limit)
        return value[:limit]

    def flag(self, name: str) -> bool:
        return self.form.get(name) in ("on", "1", "true")

    def choice(self, name: str, enum):
        try:
            return enum(self.form.get(name, ""))
        except ValueError:
            self.errors[name] = _("Choose one of the options.")
            return None

    def paytraq_id(self, name: str, required: bool = False) -> str | None:
        value = self.text(name, 18)
        if not value:
            if required:
                self.errors[name] = _("Required.")
            return None
        if not PAYTRAQ_ID.match(value):
            self.errors[name] = _("A PayTraq id is a number.")
        return value

    def amount(self, name: str) -> Decimal:
        raw = self.text(name, 20).replace(",", ".") or "0"
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
            self.errors[name] = _("An amount in euros and cents, e.g. 0.02.")
            return Decimal("0.00")
        return value.quantize(Decimal("0.01"))

    def clock(self, name: str) -> time | None:
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", self.text(name, 5))
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            self.errors[name] = _("A time of day as HH:MM, e.g. 06:00.")
            return None
        return time(int(match.group(1)), int(match.group(2)))


def read(form, current: ChannelSettings, creds: ChannelCredentials, methods: list[str],
         tax_key_ids: set[str] | None) -> ChannelForm:
    """`tax_key_ids`: PayTraq's tax keys when it could be asked (None: any id is taken)."""
    errors: dict[str, str] = {}
    r = _Reader(form, errors)
    name = r.text("name")
    if not name:
        errors["name"] = _("Required.")
    mappings, overrides = _payment_table(r, form, methods)
    taxes = _tax_table(r, current, tax_key_ids)
    rounding_key = r.paytraq_id("rounding_tax_key")
    limit = r.amount("rounding_limit")
    if limit > MAX_ROUNDING_LIMIT:
        errors["rounding_limit"] = _("At most 1.00: larger differences are not rounding.")
    if limit > 0 and not rounding_key:
        errors["rounding_tax_key"] = _("Choose the no-VAT tax key of the rounding line.")
    sync = _stock_sync(r, current.stock_sync)
    email_via = r.choice("email_via", EmailVia)
    new_creds = _credentials(r, creds, email_via)
    transport, currency = _paytraq_company(r, current, new_creds)
    settings = replace(
        current,
        auto_process=r.flag("auto_process"),
        trigger=r.choice("trigger", Trigger) or current.trigger,
        trigger_overrides=tuple(sorted(overrides)),
        document_type=r.choice("document_type", DocumentType) or current.document_type,
        operation=r.choice("operation", Operation) or current.operation,
        approve=r.flag("approve"),
        add_payment=r.flag("add_payment"),
        send_email=r.flag("send_email"),
        payment_mappings=tuple(sorted(mappings, key=lambda m: m.method)),
        tax_keys=tuple(sorted(taxes)),
        rounding_tax_key=rounding_key,
        warehouse_id=r.paytraq_id("warehouse_id"),
        unknown_sku=r.choice("unknown_sku", UnknownSkuPolicy) or current.unknown_sku,
        rounding_limit=limit,
        stock_sync=sync,
        email_via=email_via or current.email_via,
        paytraq_transport=transport,
        currency=currency,
    )
    if errors:
        return ChannelForm(name=name, errors=errors)
    return ChannelForm(settings, new_creds, name)


def _stock_sync(r: _Reader, current: StockSyncSettings) -> StockSyncSettings:
    """The form's stock-sync fields; the time zone and the advanced choices stay as they are."""
    return replace(
        current,
        sync_prices=r.flag("sync_prices"),
        price_group_id=r.paytraq_id("price_group_id", required=r.flag("sync_prices")),
        daily=r.flag("daily_sync"),
        daily_time=r.clock("daily_sync_time") or current.daily_time,
    )


def key_errors(values: dict) -> dict[str, str]:
    """The console's message for each key field no request could carry."""
    return {name: _("An API key is visible characters only: no spaces or line breaks.")
            for name in unsendable_keys(values)}


def _paytraq_company(r: _Reader, current: ChannelSettings,
                     creds: ChannelCredentials) -> tuple[PayTraqTransport, str]:
    """How documents reach PayTraq (Connect needs its URL) and the company's currency."""
    transport = (r.choice("paytraq_transport", PayTraqTransport)
                 if "paytraq_transport" in r.form else None) or current.paytraq_transport
    if transport is PayTraqTransport.CONNECT and not creds.paytraq_connect_url:
        r.errors["paytraq_connect_url"] = _("PayTraq Connect needs the channel's Connect URL.")
    currency = r.text("currency", 3).upper() or current.currency
    if not (len(currency) == 3 and currency.isalpha()):
        r.errors["currency"] = _("A three-letter currency code, e.g. EUR.")
    return transport, currency


def _payment_table(r: _Reader, form, methods: list[str]) -> tuple[list, list]:
    mappings, overrides = [], []
    for index, method in enumerate(methods):
        account = r.paytraq_id(f"pm-{index}-account")
        if account:
            mappings.append(PaymentMapping(method, account, r.flag(f"pm-{index}-merchant")))
        trigger = form.get(f"pm-{index}-trigger", "")
        if trigger in ("received", "paid"):
            overrides.append((method, Trigger(trigger)))
    return mappings, overrides


def _tax_table(r: _Reader, current: ChannelSettings, tax_key_ids: set[str] | None) -> list:
    taxes = []
    for rate in vat_rates(current):
        key = r.paytraq_id(rate_field(rate))
        if key and tax_key_ids is not None and key not in tax_key_ids:
            r.errors[rate_field(rate)] = _("PayTraq has no such tax key.")
        if key:
            taxes.append((rate, key))
    return taxes


def _credentials(r: _Reader, creds: ChannelCredentials, email_via) -> ChannelCredentials:
    """Secrets left blank keep their stored value (the form never shows them)."""
    changes = {}
    for name in ("mozello_api_key", "paytraq_api_key", "paytraq_api_token", "smtp_password",
                 "paytraq_connect_url"):
        value = r.text(name, 300)
        if value:
            changes[name] = value
    refused = key_errors(changes)  # the stored key stays
    r.errors.update(refused)
    for name in refused:
        del changes[name]
    for name in ("smtp_host", "smtp_user", "smtp_from"):
        changes[name] = r.text(name, 300)
    security = r.form.get("smtp_security", "starttls")
    changes["smtp_security"] = security if security in ("starttls", "ssl", "none") else "starttls"
    port = r.text("smtp_port", 5) or "587"
    if not port.isdigit() or not 0 < int(port) < 65536:
        r.errors["smtp_port"] = _("A port number, e.g. 587.")
    else:
        changes["smtp_port"] = int(port)
    if email_via is EmailVia.SMTP:
        for required in ("smtp_host", "smtp_from"):
            if not changes.get(required):
                r.errors[required] = _("Required when e-mail goes through SMTP.")
        if changes.get("smtp_from") and "@" not in changes["smtp_from"]:
            r.errors["smtp_from"] = _("An e-mail address.")
    return replace(creds, **changes)


def settings_change(form: ChannelForm) -> SettingsChange:
    """The form's settings and SMTP details as the shared settings change (every field given)."""
    s, c, sync = form.settings, form.credentials, form.settings.stock_sync
    return SettingsChange(
        auto_process=s.auto_process, trigger=s.trigger,
        trigger_overrides=dict(s.trigger_overrides), document_type=s.document_type,
        operation=s.operation, approve=s.approve, add_payment=s.add_payment,
        send_email=s.send_email,
        payment_map={m.method: m.money_account_id for m in s.payment_mappings},
        merchant_accounts=[m.method for m in s.payment_mappings if m.merchant_account],
        tax_map=dict(s.tax_keys), rounding_tax_key=s.rounding_tax_key or "",
        warehouse_id=s.warehouse_id or "", unknown_sku=s.unknown_sku,
        rounding_limit=s.rounding_limit, email_via=s.email_via,
        sync_prices=sync.sync_prices, price_group_id=sync.price_group_id or "",
        daily_sync=sync.daily, daily_sync_time=sync.daily_time,
        smtp_host=c.smtp_host, smtp_port=c.smtp_port, smtp_user=c.smtp_user,
        smtp_password=c.smtp_password, smtp_from=c.smtp_from, smtp_security=c.smtp_security,
        paytraq_transport=s.paytraq_transport, paytraq_connect_url=c.paytraq_connect_url,
        currency=s.currency,
    )


def shared_rule_errors(fields: dict[str, list[str]]) -> dict[str, str]:
    """InvalidInput's fields (the API's names) as this form's fields: a tax map error marks the
    first VAT rate's field, a payment error the payment table's."""
    names = {"tax_map": rate_field(KNOWN_VAT_RATES[0]), "payment_map": "pm-0-account",
             "merchant_accounts": "pm-0-merchant"}
    return {names.get(name, name): " ".join(messages) for name, messages in fields.items()}
