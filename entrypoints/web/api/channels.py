"""Channels: list, one, create, settings read and change, the settings form's choices, and the
Mozello catalogue mirror."""

from __future__ import annotations

from dataclasses import asdict, replace

from application.channel_choices import NOT_LISTED, channel_choices
from application.channel_settings import update_channel_settings
from application.channel_setup import create_channel
from entrypoints.gateways import connector_for
from entrypoints.views import channel_view, mask
from entrypoints.web.api import blueprint
from entrypoints.web.api.contract import ApiError, endpoint
from entrypoints.web.context import runtime
from entrypoints.web.schemas.channels import (
    ChannelSchema,
    ChannelSettingsSchema,
    ChoicesSchema,
    CreatedChannelSchema,
    NewChannelSchema,
    SettingsChangeSchema,
)
from entrypoints.web.schemas.sync import CatalogueProductSchema


@endpoint(blueprint, "/channels", tag="channels", answers={200: ChannelSchema(many=True)})
def channels():
    """Every channel with its settings; secrets masked"""
    with runtime().uow_factory() as uow:
        return [channel_view(c, uow.channels.credentials(c.id)) for c in uow.channels.list()]


@endpoint(blueprint, "/channels", "POST", tag="channels", body=NewChannelSchema(),
          answers={201: CreatedChannelSchema()}, errors=(503,))
def new_channel(body):
    """Connect a shop: check both API keys, register Mozello's webhook, store the channel

    A refused key answers 400 with the key's field named; nothing is stored then. The keys are
    stored encrypted and never echoed."""
    the_runtime = runtime()
    created = create_channel(body, the_runtime.uow_factory(), connector_for(the_runtime.config),
                             the_runtime.clock, the_runtime.config.public_url)
    return {"id": created.id, "webhook_path": created.webhook_path}, 201


@endpoint(blueprint, "/channels/<channel_id>", tag="channels", answers={200: ChannelSchema()},
          errors=(404,))
def channel(channel_id: str):
    """One channel with its settings; secrets masked"""
    with runtime().uow_factory() as uow:
        found = _channel(uow, channel_id)
        return channel_view(found, uow.channels.credentials(channel_id))


@endpoint(blueprint, "/channels/<channel_id>/settings", tag="channels",
          answers={200: ChannelSettingsSchema()}, errors=(404,))
def settings(channel_id: str):
    """The channel's settings, as its settings page shows them; secrets masked"""
    with runtime().uow_factory() as uow:
        found = _channel(uow, channel_id)
        view = channel_view(found, uow.channels.credentials(channel_id))
    return {"channel_id": channel_id, "settings": view["settings"],
            "credentials": view["credentials"], "warnings": []}


@endpoint(blueprint, "/channels/<channel_id>/settings", "PUT", tag="channels",
          body=SettingsChangeSchema(), answers={200: ChannelSettingsSchema()}, errors=(404,))
def change_settings(channel_id: str, body):
    """Change the settings given; the others keep their values

    Every rule is checked before anything is saved: bad input answers 400 with every field's
    messages, and nothing changes. Tax keys are checked against PayTraq's list; when PayTraq
    cannot be asked the change is saved with a warning. Secrets are never echoed: sending back
    the masked value leaves a secret unchanged."""
    the_runtime = runtime()
    with the_runtime.uow_factory() as uow:
        current = uow.channels.credentials(channel_id) if uow.channels.get(channel_id) else None
    if current is not None and body.smtp_password == mask(current.smtp_password):
        body = replace(body, smtp_password=None)
    saved = update_channel_settings(channel_id, body, the_runtime.uow_factory(),
                                    the_runtime.gateways, the_runtime.clock)
    view = channel_view(saved.channel, saved.credentials)
    return {"channel_id": channel_id, "settings": view["settings"],
            "credentials": view["credentials"], "warnings": saved.warnings}


@endpoint(blueprint, "/channels/<channel_id>/choices", tag="channels",
          answers={200: ChoicesSchema()}, errors=(404,))
def choices(channel_id: str):
    """What the settings form offers: PayTraq's tax keys, and every payment method

    Warehouses, price groups and money accounts have no list in PayTraq's API (`listed` is
    false): the form asks for their ids. Payment methods are the known Mozello codes and every
    one seen in the channel's orders, with their current mapping."""
    the_runtime = runtime()
    found = channel_choices(channel_id, the_runtime.uow_factory(), the_runtime.gateways)
    tax_keys = {
        "listed": found.tax_keys is not None, "error": found.tax_keys_error,
        "items": [{"id": k.id, "name": k.name, "rate": None if k.rate is None else str(k.rate)}
                  for k in found.tax_keys or ()],
    }
    unlisted = {name: {"listed": False, "items": [], "error": None} for name in NOT_LISTED}
    return {"tax_keys": tax_keys, **unlisted,
            "payment_methods": [asdict(m) for m in found.payment_methods]}


@endpoint(blueprint, "/channels/<channel_id>/catalogue", tag="channels",
          answers={200: CatalogueProductSchema(many=True)}, errors=(404,))
def catalogue(channel_id: str):
    """The Mozello catalogue as the product webhooks last described it"""
    with runtime().uow_factory() as uow:
        _channel(uow, channel_id)
        products = uow.catalogue.list(channel_id)
    return [{"handle": p.handle, "sku": p.sku, "stock": p.stock, "modified_at": p.modified_at,
             "product": p.data} for p in products]


def _channel(uow, channel_id: str):
    found = uow.channels.get(channel_id)
    if found is None:
        raise ApiError(404, f"no channel {channel_id!r}")
    return found
