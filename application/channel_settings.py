"""Changing a channel's settings: only the fields a person changed, every rule checked first,
then settings and credentials saved together — or nothing at all (InvalidInput per field)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import time
from decimal import Decimal

from application.errors import InvalidInput, SalesInboxError, UnknownChannel
from application.ports import ChannelCredentials, Clock, Gateways, UnitOfWork
from domain.paytraq_totals import TaxKey
from domain.settings import (
    Channel,
    ChannelSettings,
    DocumentType,
    EmailVia,
    Operation,
    PaymentMapping,
    PayTraqTransport,
    Trigger,
    UnknownSkuPolicy,
)

SYNC_FIELDS = {"sync_prices": "sync_prices", "price_group_id": "price_group_id",
               "daily_sync": "daily", "daily_sync_time": "daily_time"}
CREDENTIAL_FIELDS = ("smtp_host", "smtp_port", "smtp_user", "smtp_password", "smtp_from",
                     "smtp_security", "paytraq_connect_url")


def canonical_rate(rate: Decimal) -> Decimal:
    """One form per VAT rate (21, not 21.0 or 2.1E+1): the tax map's keys compare and show alike."""
    return rate.normalize() if rate != rate.to_integral() else Decimal(int(rate))


@dataclass(frozen=True)
class SettingsChange:
    """What a person changed; None keeps the stored value, "" clears an optional id."""

    auto_process: bool | None = None
    trigger: Trigger | None = None
    trigger_overrides: dict[str, Trigger] | None = None
    document_type: DocumentType | None = None
    operation: Operation | None = None
    approve: bool | None = None
    add_payment: bool | None = None
    send_email: bool | None = None
    payment_map: dict[str, str] | None = None  # Mozello method → PayTraq money account id
    merchant_accounts: list[str] | None = None  # methods whose account is a merchant account
    tax_map: dict[Decimal, str] | None = None  # Mozello VAT rate → PayTraq tax key id
    rounding_tax_key: str | None = None
    warehouse_id: str | None = None
    unknown_sku: UnknownSkuPolicy | None = None
    rounding_limit: Decimal | None = None
    email_via: EmailVia | None = None
    sync_prices: bool | None = None
    price_group_id: str | None = None
    daily_sync: bool | None = None
    daily_sync_time: time | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str | None = None
    smtp_security: str | None = None
    paytraq_transport: PayTraqTransport | None = None
    paytraq_connect_url: str | None = None
    currency: str | None = None  # ISO 4217: the PayTraq company's; orders in another are held

    def given(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) is not None}


@dataclass(frozen=True)
class SettingsSaved:
    channel: Channel
    credentials: ChannelCredentials
    warnings: list[str]


def update_channel_settings(channel_id: str, change: SettingsChange, uow: UnitOfWork,
                            gateways: Gateways, clock: Clock) -> SettingsSaved:
    with uow:
        channel = uow.channels.get(channel_id)
        if channel is None:
            raise UnknownChannel(channel_id)
        stored_credentials = uow.channels.credentials(channel_id)
    settings = changed_settings(channel.settings, change)
    if settings.auto_process and not channel.settings.auto_process:
        settings = replace(settings, auto_process_since=clock.now())
    credentials = changed_credentials(stored_credentials, change)
    errors = settings_errors(settings, credentials, change)
    warnings: list[str] = []
    if change.tax_map is not None or change.rounding_tax_key:
        # asked outside any database transaction: PayTraq may take its time
        tax_keys, warning = _paytraq_tax_keys(gateways, channel_id)
        if tax_keys is None:
            warnings.append(warning)
        else:
            errors.update(tax_key_errors(settings, tax_keys))
    if errors:
        raise InvalidInput(errors)
    saved = replace(channel, settings=settings)
    with uow:
        uow.channels.update(saved)
        uow.channels.set_credentials(channel_id, credentials)
        uow.commit()
    return SettingsSaved(saved, credentials, warnings)


def changed_settings(settings: ChannelSettings, change: SettingsChange) -> ChannelSettings:
    given = change.given()
    simple = {name: given[name] for name in (
        "auto_process", "trigger", "document_type", "operation", "approve", "add_payment",
        "send_email", "unknown_sku", "rounding_limit", "email_via", "paytraq_transport")
        if name in given}
    if "currency" in given:
        simple["currency"] = str(given["currency"]).strip().upper()
    for name in ("rounding_tax_key", "warehouse_id"):
        if name in given:
            simple[name] = given[name] or None
    if change.trigger_overrides is not None:
        simple["trigger_overrides"] = tuple(sorted(change.trigger_overrides.items()))
    if change.payment_map is not None or change.merchant_accounts is not None:
        simple["payment_mappings"] = _payment_mappings(settings, change)
    if change.tax_map is not None:
        simple["tax_keys"] = tuple(sorted(change.tax_map.items()))
    sync = {attribute: given[name] for name, attribute in SYNC_FIELDS.items() if name in given}
    if "price_group_id" in sync:
        sync["price_group_id"] = sync["price_group_id"] or None
    return replace(settings, **simple, stock_sync=replace(settings.stock_sync, **sync))


def _payment_mappings(settings: ChannelSettings, change: SettingsChange) -> tuple:
    accounts = (change.payment_map if change.payment_map is not None
                else {m.method: m.money_account_id for m in settings.payment_mappings})
    merchant = (set(change.merchant_accounts) if change.merchant_accounts is not None
                else {m.method for m in settings.payment_mappings if m.merchant_account})
    return tuple(PaymentMapping(method, accounts[method], method in merchant)
                 for method in sorted(accounts))


def changed_credentials(credentials: ChannelCredentials,
                        change: SettingsChange) -> ChannelCredentials:
    given = {name: value for name, value in change.given().items() if name in CREDENTIAL_FIELDS}
    return replace(credentials, **given) if given else credentials


def settings_errors(settings: ChannelSettings, credentials: ChannelCredentials,
                    change: SettingsChange) -> dict[str, list[str]]:
    """The rules between fields, keyed by the field a person has to change."""
    errors: dict[str, list[str]] = {}
    mapped = {m.method for m in settings.payment_mappings}
    unmapped = sorted({m.method for m in settings.payment_mappings if not m.money_account_id})
    if unmapped:
        errors["payment_map"] = [f"choose a money account for {', '.join(unmapped)}"]
    if any(not key for _, key in settings.tax_keys):
        errors["tax_map"] = ["choose a PayTraq tax key for every VAT rate"]
    not_mapped = sorted(set(change.merchant_accounts or ()) - mapped)
    if not_mapped:
        errors["merchant_accounts"] = [f"payment method {m!r} is not mapped to a money account"
                                       for m in not_mapped]
    if settings.stock_sync.sync_prices and not settings.stock_sync.price_group_id:
        errors["price_group_id"] = ["price sync needs the PayTraq price group to read prices from"]
    if settings.rounding_limit > 0 and not settings.rounding_tax_key:
        errors["rounding_tax_key"] = ["a rounding limit needs the no-VAT tax key of the "
                                      "adjustment"]
    if settings.paytraq_transport is PayTraqTransport.CONNECT and not credentials.paytraq_connect_url:
        errors["paytraq_connect_url"] = ["PayTraq Connect needs the channel's Connect URL (PayTraq: "
                                         "Sales → Sales Inbox → Channels → PayTraq Connect)"]
    if not (len(settings.currency) == 3 and settings.currency.isalpha()):
        errors["currency"] = [f"currency {settings.currency!r} is not an ISO 4217 code"]
    if settings.email_via is EmailVia.SMTP:
        for name in ("smtp_host", "smtp_from"):
            if not getattr(credentials, name):
                errors[name] = ["sending by SMTP needs this"]
    return errors


def tax_key_errors(settings: ChannelSettings, tax_keys: list[TaxKey]) -> dict[str, list[str]]:
    """Every tax key chosen exists in PayTraq, and a VAT rate maps to a key of that rate."""
    known = {key.id: key for key in tax_keys}
    errors: dict[str, list[str]] = {}
    for rate, key_id in settings.tax_keys:
        key = known.get(key_id)
        if key is None:
            errors.setdefault("tax_map", []).append(f"{rate}%: PayTraq has no tax key {key_id}")
        elif key.rate is not None and key.rate != rate:
            errors.setdefault("tax_map", []).append(
                f"{rate}%: tax key {key_id} ({key.name}) is {key.rate}%, not {rate}%")
    if settings.rounding_tax_key and settings.rounding_tax_key not in known:
        errors["rounding_tax_key"] = [f"PayTraq has no tax key {settings.rounding_tax_key}"]
    return errors


def _paytraq_tax_keys(gateways: Gateways, channel_id: str) -> tuple[list[TaxKey] | None, str]:
    try:
        return gateways.accounting(channel_id).tax_keys(), ""
    except SalesInboxError as error:
        return None, f"tax keys not checked against PayTraq: {error}"
