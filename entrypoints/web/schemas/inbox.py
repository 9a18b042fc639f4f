"""The inbox: items (summary and detail, README "JSON output"), the listing's filters and paging,
counts per status."""

from __future__ import annotations

from datetime import date

from marshmallow import ValidationError, fields, post_load, validate, validates

from application.inbox_listing import MAX_PAGE, Cursor, InboxQuery
from application.local_days import day_after, day_start
from domain.inbox import InboxStatus
from entrypoints.web.schemas.common import AMOUNT, INSTANT, InputSchema, Schema, text

nullable = {"allow_none": True}


DAY_PATTERN = r"^2\d{3}-\d{2}-\d{2}$"


def plausible_day(day: date) -> None:
    if not 2000 <= day.year <= 2999:
        raise ValidationError("Choose a day between the years 2000 and 2999.")


class InboxItemSchema(Schema):
    channel_id = fields.String(required=True)
    order_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in InboxStatus]))
    received_at = fields.String(required=True, metadata=INSTANT)
    updated_at = fields.String(**nullable, metadata=INSTANT)
    customer = fields.String(required=True)
    payment_method = fields.String(required=True)
    payment_status = fields.String(required=True)
    shop_total = fields.String(**nullable, metadata=AMOUNT)
    currency = fields.String(required=True)
    paytraq_total = fields.String(**nullable, metadata=AMOUNT)
    document_id = fields.String(**nullable)
    reasons = fields.List(fields.String(), required=True)
    error = fields.String(**nullable)


class ReasonSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class StepSchema(Schema):
    name = fields.String(required=True)
    at = fields.String(required=True, metadata=INSTANT)
    detail = fields.Raw(**nullable)


class LineSchema(Schema):
    sku = fields.String(**nullable)
    name = fields.String(**nullable)
    quantity = fields.String(required=True, metadata={"format": "decimal"})
    unit_price = fields.String(**nullable, metadata=AMOUNT)
    vat_rate = fields.String(**nullable, metadata={"format": "decimal"})


class InboxItemDetailSchema(InboxItemSchema):
    shop_taxes = fields.String(**nullable, metadata=AMOUNT)
    document = fields.Dict(**nullable, metadata={"description": "the PayTraq document as built"})
    payment = fields.Dict(**nullable, metadata={"description": "the payment as booked"})
    emailed_at = fields.String(**nullable, metadata=INSTANT)
    emailed_to = fields.String(**nullable)
    attempts = fields.Integer(required=True)
    paytraq_calls = fields.Integer(required=True)
    reason_details = fields.List(fields.Nested(ReasonSchema), required=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)
    lines = fields.List(fields.Nested(LineSchema), required=True)


class InboxFilterSchema(InputSchema):
    """The filters of the inbox listing and of its counts."""

    channel = text(64, metadata={"description": "only this channel's items"})
    received_from = fields.Date(validate=plausible_day, metadata={
        "description": "first day, Europe/Riga time", "pattern": DAY_PATTERN})
    received_to = fields.Date(validate=plausible_day, metadata={
        "description": "last day (included), Europe/Riga time", "pattern": DAY_PATTERN})
    q = text(200, metadata={"description": "text in the order id, buyer's name or e-mail"})

    @post_load
    def _query(self, data: dict, **_) -> dict:
        query = InboxQuery(
            channel_id=data.get("channel") or None,
            status=data.get("status"),
            received_from=day_start(data["received_from"]) if "received_from" in data else None,
            received_to=day_after(data["received_to"]) if "received_to" in data else None,
            text=data.get("q", ""),
        )
        after = Cursor.decode(data["after"]) if data.get("after") else None
        return {"query": query, "after": after, "limit": data.get("limit")}


class InboxListQuerySchema(InboxFilterSchema):
    status = fields.Enum(InboxStatus, by_value=True)
    after = text(300, metadata={"description": "the cursor of the page before (`X-Next-Cursor`)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_PAGE))

    @validates("after")
    def _cursor(self, value: str, **_) -> None:
        try:
            Cursor.decode(value)
        except ValueError:
            raise ValidationError("Not a cursor this service gave.") from None


class InboxCountsSchema(Schema):
    total = fields.Integer(required=True)
    counts = fields.Dict(keys=fields.String(validate=validate.OneOf([s.value for s in InboxStatus])),
                         values=fields.Integer(), required=True,
                         metadata={"description": "status → items (every status, 0 included)"})
