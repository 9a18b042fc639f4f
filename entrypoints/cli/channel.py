"""`sales-inbox channel …`: connect a Mozello shop to a PayTraq company and set its switches."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import click

from adapters.mozello.api import MozelloClient
from adapters.mozello.notifications import EVENTS
from adapters.paytraq.api import PayTraqClient
from application.errors import AuthenticationFailed
from application.handlers.poll_orders import WATERMARK as ORDERS_POLL_WATERMARK
from application.ports import ChannelCredentials
from domain.settings import (
    Channel,
    ChannelSettings,
    DocumentType,
    EmailVia,
    Operation,
    PaymentMapping,
    Trigger,
    UnknownSkuPolicy,
)
from entrypoints.cli import parsing as parse
from entrypoints.cli.support import fail, runtime_for_cli
from entrypoints.views import channel_view


@click.group()
def channel() -> None:
    """Channels: one Mozello shop connected to one PayTraq company."""


@channel.command("create")
@click.option("--name", required=True)
@click.option("--mozello-api-key", required=True, envvar="MOZELLO_API_KEY",
              help="or MOZELLO_API_KEY (keeps it out of shell history)")
@click.option("--paytraq-api-key", required=True, envvar="PAYTRAQ_API_KEY",
              help="or PAYTRAQ_API_KEY")
@click.option("--paytraq-api-token", required=True, envvar="PAYTRAQ_API_TOKEN",
              help="or PAYTRAQ_API_TOKEN")
@click.option("--json", "as_json", is_flag=True)
def create(name, mozello_api_key, paytraq_api_key, paytraq_api_token, as_json):
    """Validate the keys against both APIs, register the webhook, store the channel."""
    runtime = runtime_for_cli()
    config = runtime.config
    shop = MozelloClient(mozello_api_key, config.mozello_api_url)
    accounting = PayTraqClient(paytraq_api_key, paytraq_api_token, config.paytraq_api_url)
    try:
        shop.validate_key()
    except AuthenticationFailed:
        fail("Mozello rejected the API key (Store → Store settings → API in Mozello)")
    try:
        accounting.tax_keys()
    except AuthenticationFailed:
        fail("PayTraq rejected the API key/token (Settings → API in PayTraq)")
    channel_id = uuid.uuid4().hex[:12]
    webhook_path = f"/webhooks/mozello/{channel_id}"
    shop.set_notifications(config.public_url + webhook_path, EVENTS)
    with runtime.uow_factory() as uow:
        now = runtime.clock.now()
        uow.channels.add(
            Channel(channel_id, name, ChannelSettings(), created_at=now),
            ChannelCredentials(mozello_api_key, paytraq_api_key, paytraq_api_token),
        )
        # the catch-up poll starts from now: the shop's order history is not imported
        uow.watermarks.set(channel_id, ORDERS_POLL_WATERMARK, now)
        uow.commit()
    if as_json:
        click.echo(json.dumps({"id": channel_id, "webhook_path": webhook_path}))
    else:
        click.echo(f"channel {channel_id} created; Mozello notifies {config.public_url}{webhook_path}")


@channel.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_channels(as_json):
    runtime = runtime_for_cli()
    with runtime.uow_factory() as uow:
        channels = uow.channels.list()
    if as_json:
        click.echo(json.dumps([channel_view(c) for c in channels], indent=2))
        return
    for c in channels:
        click.echo(f"{c.id}  {c.name}  auto={'on' if c.settings.auto_process else 'off'}")


@channel.command("show")
@click.argument("channel_id")
@click.option("--json", "as_json", is_flag=True)
def show(channel_id, as_json):
    """The channel's settings; secrets are masked."""
    runtime = runtime_for_cli()
    with runtime.uow_factory() as uow:
        found = uow.channels.get(channel_id)
        if found is None:
            fail(f"no channel {channel_id!r}")
        view = channel_view(found, uow.channels.credentials(channel_id))
    if as_json:
        click.echo(json.dumps(view, indent=2, ensure_ascii=False))
        return
    click.echo(f"{view['id']}  {view['name']}  webhook {view['webhook_path']}")
    for key, value in view["settings"].items():
        click.echo(f"  {key}: {value}")
    for key, value in view["credentials"].items():
        click.echo(f"  {key}: {value}")


def _choice(enum):
    return click.Choice([e.value for e in enum])


@channel.command("configure")
@click.argument("channel_id")
@click.option("--auto-process/--no-auto-process", default=None, help="Automātiska apstrāde")
@click.option("--trigger", type=_choice(Trigger))
@click.option("--trigger-override", multiple=True, metavar="METHOD=received|paid")
@click.option("--document-type", type=_choice(DocumentType))
@click.option("--operation", type=_choice(Operation))
@click.option("--approve/--no-approve", default=None, help="Apstiprināt/Iegrāmatot")
@click.option("--add-payment/--no-add-payment", default=None, help="Pievienot apmaksu")
@click.option("--send-email/--no-send-email", default=None, help="Aizsūtīt pa e-pastu")
@click.option("--payment-map", multiple=True, metavar="METHOD=MONEY_ACCOUNT_ID")
@click.option("--merchant-account", multiple=True, metavar="METHOD",
              help="mark the mapped money account as a merchant account (Tirgotāja konts)")
@click.option("--tax-map", multiple=True, metavar="RATE=TAX_KEY_ID")
@click.option("--rounding-tax-key", metavar="TAX_KEY_ID")
@click.option("--warehouse-id")
@click.option("--unknown-sku", type=_choice(UnknownSkuPolicy))
@click.option("--rounding-limit", metavar="AMOUNT")
@click.option("--sync-prices/--no-sync-prices", default=None, help="Sinhronizēt cenas")
@click.option("--price-group-id")
@click.option("--daily-sync/--no-daily-sync", default=None,
              help="Ikdienas automātiskā sinhronizācija")
@click.option("--daily-sync-time", metavar="HH:MM")
@click.option("--email-via", type=_choice(EmailVia))
@click.option("--currency", metavar="CODE",
              help="the currency the PayTraq company books in; orders in another one are held")
@click.option("--smtp-host")
@click.option("--smtp-port", type=click.IntRange(1, 65535))
@click.option("--smtp-user")
@click.option("--smtp-password", envvar="SMTP_PASSWORD", help="or SMTP_PASSWORD")
@click.option("--smtp-from")
@click.option("--smtp-security", type=click.Choice(["starttls", "ssl", "none"]))
@click.option("--json", "as_json", is_flag=True)
def configure(channel_id, **options):
    """Change only the settings given; the others keep their values."""
    as_json = options.pop("as_json")
    runtime = runtime_for_cli()
    with runtime.uow_factory() as uow:
        found = uow.channels.get(channel_id)
        if found is None:
            fail(f"no channel {channel_id!r}")
        try:
            settings = configured_settings(found.settings, options)
        except click.BadParameter as error:  # one clear line, not click's usage block
            fail(error.format_message())
        if settings.auto_process and not found.settings.auto_process:
            settings = replace(settings, auto_process_since=runtime.clock.now())
        uow.channels.update(replace(found, settings=settings))
        creds = configured_credentials(uow.channels.credentials(channel_id), options)
        uow.channels.set_credentials(channel_id, creds)
        uow.commit()
        view = channel_view(replace(found, settings=settings), creds)
    if as_json:
        click.echo(json.dumps(view, indent=2, ensure_ascii=False))
    else:
        click.echo(f"channel {channel_id} configured")


SIMPLE = ("auto_process", "approve", "add_payment", "send_email", "warehouse_id",
          "rounding_tax_key")


def configured_settings(settings: ChannelSettings, o: dict) -> ChannelSettings:
    changes: dict = {k: o[k] for k in SIMPLE if o.get(k) is not None}
    if o.get("trigger"):
        changes["trigger"] = Trigger(o["trigger"])
    if o.get("trigger_override"):
        overrides = dict(settings.trigger_overrides)
        for value in o["trigger_override"]:
            method, trigger = parse.pair(value, "a trigger override")
            if trigger not in ("received", "paid"):
                raise click.BadParameter(f"trigger in {value!r} must be received or paid")
            overrides[method] = Trigger(trigger)
        changes["trigger_overrides"] = tuple(sorted(overrides.items()))
    if o.get("currency"):
        if not (len(o["currency"]) == 3 and o["currency"].isalpha()):
            raise click.BadParameter(f"currency {o['currency']!r} is not an ISO 4217 code")
        changes["currency"] = o["currency"].upper()
    for name, enum in (("document_type", DocumentType), ("operation", Operation),
                       ("unknown_sku", UnknownSkuPolicy), ("email_via", EmailVia)):
        if o.get(name):
            changes[name] = enum(o[name])
    if o.get("payment_map") or o.get("merchant_account"):
        mappings = {m.method: m for m in settings.payment_mappings}
        for value in o.get("payment_map") or ():
            method, account = parse.pair(value, "a payment mapping")
            mappings[method] = PaymentMapping(method, account)
        for method in o.get("merchant_account") or ():
            if method not in mappings:
                raise click.BadParameter(f"payment method {method!r} is not mapped")
            mappings[method] = replace(mappings[method], merchant_account=True)
        changes["payment_mappings"] = tuple(mappings[m] for m in sorted(mappings))
    if o.get("tax_map"):
        taxes = dict(settings.tax_keys)
        for value in o["tax_map"]:
            rate, key = parse.pair(value, "a tax mapping")
            taxes[parse.rate(rate)] = key
        changes["tax_keys"] = tuple(sorted(taxes.items()))
    if o.get("rounding_limit") is not None:
        changes["rounding_limit"] = parse.amount(o["rounding_limit"])
    sync = settings.stock_sync
    if o.get("sync_prices") is not None:
        sync = replace(sync, sync_prices=o["sync_prices"])
    if o.get("price_group_id"):
        sync = replace(sync, price_group_id=o["price_group_id"])
    if o.get("daily_sync") is not None:
        sync = replace(sync, daily=o["daily_sync"])
    if o.get("daily_sync_time"):
        sync = replace(sync, daily_time=parse.clock_time(o["daily_sync_time"]))
    if sync.sync_prices and not sync.price_group_id:
        raise click.BadParameter("--sync-prices needs --price-group-id (the PayTraq price group)")
    changes["stock_sync"] = sync
    return replace(settings, **changes)


def configured_credentials(creds: ChannelCredentials, o: dict) -> ChannelCredentials:
    changes = {
        name: o[name]
        for name in ("smtp_host", "smtp_port", "smtp_user", "smtp_password", "smtp_from",
                     "smtp_security")
        if o.get(name) is not None
    }
    return replace(creds, **changes) if changes else creds
