"""Every error of the JSON API as JSON: `{"error": message}`, plus `fields` (field name → messages)
for bad input. Unknown things are 404; conflicts (someone else holds the order or the sync, a
rule of the flow) 409; PayTraq or Mozello unreachable, or over its limits, 503 with Retry-After."""

from __future__ import annotations

import structlog
from flask import Blueprint, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from application.errors import (
    ConcurrentUpdate,
    InvalidInput,
    NotFound,
    OrderBusy,
    SalesInboxError,
    StockSyncAlreadyRunning,
    TransientError,
)
from entrypoints.web.api.contract import ApiError

# someone else is working on the same thing: a conflict, not an outage
CONFLICTS = (OrderBusy, StockSyncAlreadyRunning, ConcurrentUpdate)

logger = structlog.get_logger()


def answer(status: int, message: str, fields: dict | None = None, headers: dict | None = None):
    body = {"error": message}
    if fields:
        body["fields"] = fields
    return jsonify(body), status, headers or {}


def register_error_answers(blueprint: Blueprint) -> None:
    blueprint.register_error_handler(ApiError, lambda e: answer(e.status, e.message, e.fields))
    blueprint.register_error_handler(
        ValidationError, lambda e: answer(400, "invalid input", _field_messages(e.messages)))
    blueprint.register_error_handler(SalesInboxError, _application_error)

    @blueprint.record_once
    def json_for_api_paths(state) -> None:
        """Routing errors (no such path, wrong method) happen before any blueprint is chosen."""

        def http_error(error: HTTPException):
            if not request.path.startswith(f"{blueprint.url_prefix}/"):
                return error
            return answer(error.code or 500, error.description or error.name)

        state.app.register_error_handler(HTTPException, http_error)


def _application_error(error: SalesInboxError):
    if isinstance(error, InvalidInput):
        return answer(400, "invalid input", error.fields)
    if isinstance(error, NotFound):
        return answer(404, str(error))
    if isinstance(error, TransientError) and not isinstance(error, CONFLICTS):
        logger.warning("api_outside_busy", error=str(error))
        retry = {"Retry-After": str(int(error.retry_after or 30))}
        return answer(503, str(error), headers=retry)
    return answer(409, str(error))


def _field_messages(messages) -> dict[str, list[str]]:
    """marshmallow's messages, flattened to field → list of messages (nested as `a.b`)."""
    if isinstance(messages, list):
        return {"_schema": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for name, value in messages.items():
        if isinstance(value, dict):
            for inner, texts in _field_messages(value).items():
                flat[f"{name}.{inner}"] = texts
        else:
            flat[str(name)] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return flat
