"""Channels: their view (README "channel show --json"), creation, settings and the choices a
settings form offers."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from marshmallow import ValidationError, fields, post_load, validate

from application.channel_settings import SettingsChange, canonical_rate
from application.channel_setup import API_KEY as KEY_CHARACTERS
from application.channel_setup import NewChannel
from domain.settings import DocumentType, EmailVia, Operation, Trigger, UnknownSkuPolicy
from entrypoints.web.schemas.common import INSTANT, InputSchema, Schema, identifier, text

nullable = {"allow_none": True}
API_KEY = validate.Regexp(KEY_CHARACTERS,
                          error="An API key is 1 to 200 visible ASCII characters.")
METHOD = validate.Regexp(r"^[A-Za-z0-9._-]{1,64}\Z",
                         error="A Mozello payment method code: letters, digits, '.', '_', '-'.")
RATE = validate.Regexp(r"^\d{1,2}(\.\d{1,2})?\Z", error="A VAT rate in percent, e.g. 21 or 5.5.")
CLOCK = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d\Z", error="A time of day as HH:MM.")
E_MAIL = validate.Regexp(r"^$|^[^@\s]{1,64}@[^@\s]{1,255}$", error="Not an e-mail address.")
HOST = validate.Regexp(r"^$|^[A-Za-z0-9.-]{1,253}$", error="Not a host name.")


def in_cents(amount: Decimal) -> None:
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError("An amount in cents: at most two decimals.")


class StockSyncViewSchema(Schema):
    sync_prices = fields.Boolean(required=True)
    price_group_id = fields.String(**nullable)
    daily = fields.Boolean(required=True)
    daily_time = fields.String(required=True, metadata={"description": "HH:MM"})
    timezone = fields.String(required=True)
    track_untracked = fields.Boolean(required=True)
    sync_sale_price = fields.Boolean(required=True)


class SettingsViewSchema(Schema):
    auto_process = fields.Boolean(required=True)
    auto_process_since = fields.String(**nullable, metadata=INSTANT)
    trigger = fields.String(required=True)
    trigger_overrides = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    document_type = fields.String(required=True)
    operation = fields.String(required=True)
    approve = fields.Boolean(required=True)
    add_payment = fields.Boolean(required=True)
    send_email = fields.Boolean(required=True)
    payment_map = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    merchant_accounts = fields.List(fields.String(), required=True)
    tax_map = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    rounding_tax_key = fields.String(**nullable)
    warehouse_id = fields.String(**nullable)
    unknown_sku = fields.String(required=True)
    rounding_limit = fields.String(required=True, metadata={"format": "decimal"})
    email_via = fields.String(required=True)
    currency = fields.String(required=True, metadata={
        "description": "ISO 4217: the PayTraq company's; orders in another are held"})
    stock_sync = fields.Nested(StockSyncViewSchema, required=True)


class CredentialsViewSchema(Schema):
    """Secrets masked: never more than their last four characters."""

    mozello_api_key = fields.String(required=True)
    paytraq_api_key = fields.String(required=True)
    paytraq_api_token = fields.String(required=True)
    smtp_host = fields.String(required=True)
    smtp_port = fields.Integer(required=True)
    smtp_user = fields.String(required=True)
    smtp_password = fields.String(required=True)
    smtp_from = fields.String(required=True)
    smtp_security = fields.String(required=True)


class ChannelSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    active = fields.Boolean(required=True)
    webhook_path = fields.String(required=True)
    settings = fields.Nested(SettingsViewSchema, required=True)
    credentials = fields.Nested(CredentialsViewSchema)


class ChannelSettingsSchema(Schema):
    channel_id = fields.String(required=True)
    settings = fields.Nested(SettingsViewSchema, required=True)
    credentials = fields.Nested(CredentialsViewSchema, required=True)
    warnings = fields.List(fields.String(), required=True)


class NewChannelSchema(InputSchema):
    name = text(200, required=True, metadata={"minLength": 1})
    mozello_api_key = fields.String(required=True, validate=API_KEY)
    paytraq_api_key = fields.String(required=True, validate=API_KEY)
    paytraq_api_token = fields.String(required=True, validate=API_KEY)

    @post_load
    def _new_channel(self, data: dict, **_) -> NewChannel:
        return NewChannel(**data)


class CreatedChannelSchema(Schema):
    id = fields.String(required=True)
    webhook_path = fields.String(required=True)


class SettingsChangeSchema(InputSchema):
    """Only the fields given change; a map or list given replaces the stored one; "" clears an
    optional id. Secrets are write-only: their masked value sent back leaves them unchanged."""

    auto_process = fields.Boolean()
    trigger = fields.Enum(Trigger, by_value=True)
    trigger_overrides = fields.Dict(keys=fields.String(validate=METHOD),
                                    values=fields.Enum(Trigger, by_value=True))
    document_type = fields.Enum(DocumentType, by_value=True)
    operation = fields.Enum(Operation, by_value=True)
    approve = fields.Boolean()
    add_payment = fields.Boolean()
    send_email = fields.Boolean()
    payment_map = fields.Dict(keys=fields.String(validate=METHOD), values=identifier(),
                              metadata={"description": "payment method → money account id"})
    merchant_accounts = fields.List(fields.String(validate=METHOD))
    tax_map = fields.Dict(keys=fields.String(validate=RATE), values=identifier(),
                          metadata={"description": "VAT rate (percent) → PayTraq tax key id"})
    rounding_tax_key = identifier()
    warehouse_id = identifier()
    unknown_sku = fields.Enum(UnknownSkuPolicy, by_value=True)
    rounding_limit = fields.Decimal(validate=[validate.Range(0, 100), in_cents],
                                    metadata={"minimum": 0, "maximum": 100,
                                              "multipleOf": 0.01})
    email_via = fields.Enum(EmailVia, by_value=True)
    currency = fields.String(validate=validate.Regexp(r"^[A-Za-z]{3}$",
                                                      error="Not an ISO 4217 code."),
                             metadata={"description": "ISO 4217; orders in another are held"})
    sync_prices = fields.Boolean()
    price_group_id = identifier()
    daily_sync = fields.Boolean()
    daily_sync_time = fields.String(validate=CLOCK, metadata={"description": "HH:MM, Riga"})
    smtp_host = fields.String(validate=HOST)
    smtp_port = fields.Integer(validate=validate.Range(1, 65535))
    smtp_user = text(320)
    smtp_password = text(500, metadata={"writeOnly": True})
    smtp_from = fields.String(validate=E_MAIL)
    smtp_security = fields.String(validate=validate.OneOf(["starttls", "ssl", "none"]))

    @post_load
    def _change(self, data: dict, **_) -> SettingsChange:
        if "tax_map" in data:
            taxes = {canonical_rate(Decimal(rate)): key for rate, key in data["tax_map"].items()}
            if len(taxes) != len(data["tax_map"]):
                raise ValidationError({"tax_map": ["The same VAT rate is given twice."]})
            data["tax_map"] = taxes
        if "daily_sync_time" in data:
            data["daily_sync_time"] = time.fromisoformat(data["daily_sync_time"])
        return SettingsChange(**data)


class ChoiceSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    rate = fields.String(**nullable, metadata={"format": "decimal"})


class ChoiceListSchema(Schema):
    listed = fields.Boolean(required=True, metadata={
        "description": "false: PayTraq's API gives no list; the form asks for the id"})
    items = fields.List(fields.Nested(ChoiceSchema), required=True)
    error = fields.String(**nullable)


class PaymentMethodChoiceSchema(Schema):
    method = fields.String(required=True)
    known = fields.Boolean(required=True)
    seen = fields.Boolean(required=True, metadata={"description": "in the channel's orders"})
    money_account_id = fields.String(**nullable)
    merchant_account = fields.Boolean(required=True)


class ChoicesSchema(Schema):
    tax_keys = fields.Nested(ChoiceListSchema, required=True)
    warehouses = fields.Nested(ChoiceListSchema, required=True)
    price_groups = fields.Nested(ChoiceListSchema, required=True)
    money_accounts = fields.Nested(ChoiceListSchema, required=True)
    payment_methods = fields.List(fields.Nested(PaymentMethodChoiceSchema), required=True)
