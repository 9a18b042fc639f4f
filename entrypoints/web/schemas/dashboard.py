"""The dashboard's answer."""

from __future__ import annotations

from marshmallow import fields, validate

from entrypoints.web.schemas.common import INSTANT, InputSchema, Schema
from entrypoints.web.schemas.inbox import InboxItemSchema
from entrypoints.web.schemas.sync import SyncRunSchema

nullable = {"allow_none": True}
COUNTS = {"keys": fields.String(), "values": fields.Integer()}


class DashboardQuerySchema(InputSchema):
    days = fields.Integer(load_default=14, validate=validate.Range(1, 92))


class DaySchema(Schema):
    day = fields.String(required=True, metadata={"format": "date"})
    counts = fields.Dict(**COUNTS, required=True, metadata={"description": "status → orders"})


class PayTraqCallsSchema(Schema):
    used_today = fields.Integer(required=True, metadata={"description": "since 00:00 UTC"})
    last_hour = fields.Integer(required=True, metadata={"description": "the current pace"})
    daily_budget = fields.Integer(required=True, metadata={
        "description": "per channel (PayTraq counts per API key pair)"})


class ChannelHealthSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    active = fields.Boolean(required=True)
    last_webhook_at = fields.String(**nullable, metadata=INSTANT)
    last_sync = fields.Nested(SyncRunSchema, **nullable)
    paytraq_calls_today = fields.Integer(required=True)


class DashboardSchema(Schema):
    days = fields.List(fields.Nested(DaySchema), required=True)
    totals = fields.Dict(**COUNTS, required=True)
    needs_review = fields.Integer(required=True)
    review_items = fields.List(fields.Nested(InboxItemSchema), required=True)
    paytraq_calls = fields.Nested(PayTraqCallsSchema, required=True)
    channels = fields.List(fields.Nested(ChannelHealthSchema), required=True)
