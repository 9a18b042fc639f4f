"""Stock sync runs with their per-SKU results, and the Mozello catalogue mirror."""

from __future__ import annotations

from marshmallow import fields

from entrypoints.web.schemas.common import INSTANT, InputSchema, Schema

nullable = {"allow_none": True}


class SyncQuerySchema(InputSchema):
    dry_run = fields.Boolean(load_default=False,
                             metadata={"description": "preview: decide everything, write nothing"})


class SyncResultSchema(Schema):
    sku = fields.String(required=True)
    target = fields.String(required=True)
    action = fields.String(required=True)
    old_stock = fields.Integer(**nullable)
    new_stock = fields.Integer(**nullable)
    old_price = fields.String(**nullable, metadata={"format": "decimal"})
    new_price = fields.String(**nullable, metadata={"format": "decimal"})
    message = fields.String(required=True)


class SyncRunSchema(Schema):
    id = fields.String(required=True)
    channel_id = fields.String(required=True)
    dry_run = fields.Boolean(required=True)
    status = fields.String(required=True)
    started_at = fields.String(required=True, metadata=INSTANT)
    finished_at = fields.String(**nullable, metadata=INSTANT)
    summary = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    error = fields.String(**nullable)
    results = fields.List(fields.Nested(SyncResultSchema), required=True)


class CatalogueProductSchema(Schema):
    handle = fields.String(required=True)
    sku = fields.String(required=True)
    stock = fields.Integer(**nullable)
    modified_at = fields.String(required=True)
    product = fields.Dict(required=True)
