"""`sales-inbox channel …`: connect a Mozello shop to a PayTraq company and set its switches."""

from __future__ import annotations

import json

import click

from application.channel_settings import SettingsChange, update_channel_settings
from application.channel_setup import NewChannel, create_channel
from application.errors import InvalidInput
from domain.settings import (
    ChannelSettings,
    DocumentType,
    EmailVia,
    Operation,
    PayTraqTransport,
    Trigger,
    UnknownSkuPolicy,
)
from entrypoints.cli import parsing as parse
from entrypoints.cli.channel_check import check, render, run_check
from entrypoints.cli.support import fail, runtime_for_cli
from entrypoints.gateways import connector_for
from entrypoints.views import channel_view


@click.group()
def channel() -> None:
    """Channels: one Mozello shop connected to one PayTraq company."""


channel.add_command(check)


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
    new = NewChannel(name, mozello_api_key, paytraq_api_key, paytraq_api_token)
    try:
        created = create_channel(new, runtime.uow_factory(), connector_for(config), runtime.clock,
                                 config.public_url)
    except InvalidInput as refused:
        fail(next(iter(refused.fields.values()))[0])
    report = run_check(created.id)  # the read-only part of `channel check`
    if as_json:
        click.echo(json.dumps({"id": created.id, "webhook_path": created.webhook_path,
                               "check": report.as_dict()}))
    else:
        click.echo(f"channel {created.id} created; Mozello notifies "
                   f"{config.public_url}{created.webhook_path}")
        click.echo(render(report))


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
@click.option("--paytraq-transport", type=_choice(PayTraqTransport),
              help="rest: the REST API; connect: one PayTraq Connect call per order")
@click.option("--paytraq-connect-url", envvar="PAYTRAQ_CONNECT_URL",
              help="the channel URL of PayTraq Connect (or PAYTRAQ_CONNECT_URL)")
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
        change = settings_change(found.settings, options)
    except click.BadParameter as error:  # one clear line, not click's usage block
        fail(error.format_message())
    try:
        saved = update_channel_settings(channel_id, change, runtime.uow_factory(),
                                        runtime.gateways, runtime.clock)
    except InvalidInput as refused:
        fail("; ".join(f"{OPTION_OF.get(name, '--' + name.replace('_', '-'))}: {' '.join(texts)}"
                       for name, texts in sorted(refused.fields.items())))
    for warning in saved.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        view = channel_view(saved.channel, saved.credentials)
        click.echo(json.dumps(view, indent=2, ensure_ascii=False))
    else:
        click.echo(f"channel {channel_id} configured")


OPTION_OF = {"merchant_accounts": "--merchant-account", "tax_map": "--tax-map",
             "payment_map": "--payment-map", "paytraq_connect_url": "--paytraq-connect-url"}
PASSED_AS_GIVEN = ("auto_process", "approve", "add_payment", "send_email", "warehouse_id",
                   "rounding_tax_key", "sync_prices", "price_group_id", "daily_sync",
                   "smtp_host", "smtp_port", "smtp_user", "smtp_password", "smtp_from",
                   "smtp_security", "paytraq_connect_url", "currency")
ENUMS = {"trigger": Trigger, "document_type": DocumentType, "operation": Operation,
         "unknown_sku": UnknownSkuPolicy, "email_via": EmailVia,
         "paytraq_transport": PayTraqTransport}


def settings_change(settings: ChannelSettings, o: dict) -> SettingsChange:
    """The options given, as a change; repeated mappings add to the stored ones."""
    changes: dict = {k: o[k] for k in PASSED_AS_GIVEN if o.get(k) is not None}
    changes |= {name: enum(o[name]) for name, enum in ENUMS.items() if o.get(name)}
    if o.get("trigger_override"):
        overrides = dict(settings.trigger_overrides)
        for value in o["trigger_override"]:
            method, trigger = parse.pair(value, "a trigger override")
            if trigger not in ("received", "paid"):
                raise click.BadParameter(f"trigger in {value!r} must be received or paid")
            overrides[method] = Trigger(trigger)
        changes["trigger_overrides"] = overrides
    if o.get("payment_map") or o.get("merchant_account"):
        accounts = {m.method: m.money_account_id for m in settings.payment_mappings}
        accounts |= dict(parse.pair(v, "a payment mapping") for v in o.get("payment_map") or ())
        merchant = {m.method for m in settings.payment_mappings if m.merchant_account}
        changes["payment_map"] = accounts
        changes["merchant_accounts"] = sorted(merchant | set(o.get("merchant_account") or ()))
    if o.get("tax_map"):
        taxes = dict(settings.tax_keys)
        for value in o["tax_map"]:
            rate, key = parse.pair(value, "a tax mapping")
            taxes[parse.rate(rate)] = key
        changes["tax_map"] = taxes
    if o.get("rounding_limit") is not None:
        changes["rounding_limit"] = parse.amount(o["rounding_limit"])
    if o.get("daily_sync_time"):
        changes["daily_sync_time"] = parse.clock_time(o["daily_sync_time"])
    return SettingsChange(**changes)
