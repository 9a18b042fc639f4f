"""Pieces every API schema uses: the input base, the error answer, plain text fields."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

AMOUNT = {"format": "decimal", "description": "an amount as a string with two decimals"}
INSTANT = {"format": "date-time"}
ID_TEXT = validate.Regexp(r"^[^\x00-\x1f]*$", error="Control characters are not allowed.")


class InputSchema(Schema):
    """What our own clients send: an unknown field is an error, not silently dropped."""

    class Meta:
        unknown = RAISE


def text(max_length: int, required: bool = False, **options) -> fields.String:
    """A single line of text without control characters (they cannot be stored everywhere)."""
    return fields.String(required=required,
                         validate=[validate.Length(max=max_length), ID_TEXT], **options)


def identifier(required: bool = False, **options) -> fields.String:
    """A PayTraq or Mozello id as the person copied it: digits, letters, `-`, `_`, `.`."""
    return fields.String(required=required, validate=validate.Regexp(
        r"^[A-Za-z0-9._-]{0,64}$", error="Use letters, digits, '.', '_' or '-' (at most 64)."),
        **options)


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "what went wrong, in words"})
    field_errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                               data_key="fields",
                               metadata={"description": "bad input: field name → its messages"})


class QueuedSchema(Schema):
    queued = fields.Boolean(required=True)
    dry_run = fields.Boolean(required=True)
