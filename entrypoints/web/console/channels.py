"""Channel settings, in PayTraq's own words: connect a shop, set its switches and tables."""

from __future__ import annotations

from dataclasses import replace

import structlog
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from adapters.mailers.smtp import SmtpMailer, SmtpSettings
from application.channel_choices import channel_choices
from application.channel_settings import update_channel_settings
from application.channel_setup import NewChannel, create_channel
from application.errors import AuthenticationFailed, InvalidInput, SalesInboxError, UnknownChannel
from domain.settings import Channel
from entrypoints.gateways import connector_for
from entrypoints.views import mask
from entrypoints.web.console import channel_form
from entrypoints.web.console.actions import record
from entrypoints.web.context import runtime

logger = structlog.get_logger()
blueprint = Blueprint("channels", __name__, url_prefix="/channels")


@blueprint.get("/")
def index():
    with runtime().uow_factory() as uow:
        channels = uow.channels.list()
    return render_template("channels.html", channels=channels)


@blueprint.route("/new", methods=["GET", "POST"])
def new():
    errors, values = {}, {}
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in
                  ("name", "mozello_api_key", "paytraq_api_key", "paytraq_api_token")}
        errors = {k: _("Required.") for k, v in values.items() if not v}
        errors |= channel_form.key_errors(values)
        if not errors:
            channel_id = _connect(values, errors)
            if channel_id:
                record("channel_created", channel_id, detail=values["name"])
                flash(_("Channel created; Mozello now sends its orders here."), "ok")
                return redirect(url_for("channels.settings", channel_id=channel_id))
    return render_template("channel_new.html", errors=errors, values=values), \
        400 if errors else 200


def _connect(values: dict, errors: dict) -> str | None:
    """The shared `create_channel` (as `channel create` and the API do): both keys checked,
    the webhook registered, the channel stored — or nothing stored and the fields marked."""
    the_runtime = runtime()
    new = NewChannel(values["name"][:200], values["mozello_api_key"],
                     values["paytraq_api_key"], values["paytraq_api_token"])
    try:
        created = create_channel(new, the_runtime.uow_factory(),
                                 connector_for(the_runtime.config), the_runtime.clock,
                                 the_runtime.config.public_url)
    except InvalidInput as invalid:
        refused = {"mozello_api_key": _("Mozello did not accept this API key."),
                   "paytraq_api_key": _("PayTraq did not accept this key and token."),
                   "paytraq_api_token": _("PayTraq did not accept this key and token."),
                   "name": _("Required.")}
        errors.update({name: refused.get(name, " ".join(messages))
                       for name, messages in invalid.fields.items()})
        return None
    except (SalesInboxError, OSError) as error:  # a shop or PayTraq that does not answer
        errors["mozello_api_key"] = _("Could not be checked: %(error)s", error=str(error))
        return None
    return created.id


def _page_data(channel_id: str):
    """The channel, its credentials, and what the form offers (the shared `channel_choices`,
    as the JSON API's): payment methods known, mapped or seen; PayTraq's tax keys, or None
    when PayTraq could not be asked."""
    the_runtime = runtime()
    with the_runtime.uow_factory() as uow:
        channel = uow.channels.get(channel_id)
        if channel is None:
            abort(404)
        creds = uow.channels.credentials(channel_id)
    try:
        choices = channel_choices(channel_id, the_runtime.uow_factory(), the_runtime.gateways)
    except UnknownChannel:
        abort(404)
    if choices.tax_keys_error:
        logger.warning("tax_keys_unavailable", error=choices.tax_keys_error)
    methods = [choice.method for choice in choices.payment_methods if choice.method]
    return channel, creds, methods, choices.tax_keys


@blueprint.route("/<channel_id>", methods=["GET", "POST"])
def settings(channel_id: str):
    channel, creds, methods, tax_keys = _page_data(channel_id)
    errors, form = {}, None
    if request.method == "POST":
        ids = {k.id for k in tax_keys} if tax_keys is not None else None
        form = channel_form.read(request.form, channel.settings, creds, methods, ids)
        if form.valid:
            try:
                _save(channel, form)
            except InvalidInput as invalid:  # a rule between fields, as the API checks it
                form.errors.update(channel_form.shared_rule_errors(invalid.fields))
                flash(str(invalid), "error")
            else:
                record("channel_saved", channel_id)
                flash(_("Settings saved."), "ok")
                return redirect(url_for("channels.settings", channel_id=channel_id))
        errors = form.errors
        flash(_("Nothing was saved: correct the fields marked below."), "error")
    return render_template(
        "channel_settings.html", channel=channel, creds=creds, methods=methods,
        tax_keys=tax_keys, vat_rates=channel_form.vat_rates(channel.settings),
        rate_field=channel_form.rate_field, errors=errors,
        posted=request.form if request.method == "POST" else None, mask=mask,
        webhook_url=f"{runtime().config.public_url}/webhooks/mozello/{channel_id}",
    ), 400 if errors else 200


def _save(channel: Channel, form: channel_form.ChannelForm) -> None:
    """The settings and SMTP details through the shared `update_channel_settings` (every rule
    of the API checked, both saved together, or InvalidInput and nothing saved); then the name
    and the API keys, which only this form changes."""
    the_runtime = runtime()
    update_channel_settings(channel.id, channel_form.settings_change(form),
                            the_runtime.uow_factory(), the_runtime.gateways, the_runtime.clock)
    keys = form.credentials
    with the_runtime.uow_factory() as uow:
        stored = uow.channels.get(channel.id)
        uow.channels.update(replace(stored, name=form.name))
        uow.channels.set_credentials(channel.id, replace(
            uow.channels.credentials(channel.id), mozello_api_key=keys.mozello_api_key,
            paytraq_api_key=keys.paytraq_api_key, paytraq_api_token=keys.paytraq_api_token))
        uow.commit()


@blueprint.post("/<channel_id>/test-mozello")
def test_mozello(channel_id: str):
    _page_data(channel_id)
    record("mozello_key_tested", channel_id)
    try:
        runtime().gateways.shop(channel_id).validate_key()
    except AuthenticationFailed:
        flash(_("Mozello did not accept the stored API key."), "error")
    except (SalesInboxError, OSError) as error:
        flash(_("Mozello could not be reached: %(error)s", error=str(error)), "error")
    else:
        flash(_("Mozello accepted the API key."), "ok")
    return redirect(url_for("channels.settings", channel_id=channel_id))


@blueprint.post("/<channel_id>/test-email")
def test_email(channel_id: str):
    channel, creds, _m, _t = _page_data(channel_id)
    to = request.form.get("test_to", "").strip()
    record("test_email", channel_id, detail=to)
    try:
        if "@" not in to:
            raise SalesInboxError(_("enter the address to send the test e-mail to"))
        mailer = SmtpMailer(SmtpSettings.from_credentials(creds), None, None, runtime().clock)
        mailer.send_test(to, _("Sales Inbox test e-mail"),
                         _("The SMTP settings of channel %(name)s work.", name=channel.name))
    except (SalesInboxError, OSError) as error:
        flash(_("The test e-mail was not sent: %(error)s", error=str(error)), "error")
    else:
        flash(_("Test e-mail sent to %(to)s.", to=to), "ok")
    return redirect(url_for("channels.settings", channel_id=channel_id))
