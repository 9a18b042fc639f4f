"""/api/openapi.json: the OpenAPI 3 document, written from the endpoints' declared schemas."""

from __future__ import annotations

import functools
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify

from entrypoints.web.api import blueprint
from entrypoints.web.api.contract import OPERATIONS, Operation
from entrypoints.web.schemas.common import ErrorSchema

ERRORS = {
    400: "Bad input: `fields` names every field with its messages; nothing was changed",
    401: "No or a wrong API token (`Authorization: Bearer …`)",
    403: "Signed in, but this is not allowed",
    404: "No such channel, order or run",
    409: "Conflict: someone else is working on it, or the flow's rules do not allow it now",
    503: "PayTraq or Mozello is unreachable or over its limits; try again after Retry-After",
}
PATH_EXAMPLES = {"channel_id": {"example": "sandbox"}}  # the built-in sandbox channel of `make run`
TAGS = [
    {"name": "inbox", "description": "Orders as they go from Mozello to PayTraq"},
    {"name": "channels", "description": "Shops: connection, settings, choices"},
    {"name": "sync", "description": "Stock (and price) sync to Mozello"},
    {"name": "dashboard", "description": "How the inbox is doing"},
]


@blueprint.get("/openapi.json")
def openapi_document():
    return jsonify(document())


@functools.cache
def document() -> dict:
    spec = APISpec(
        title="Sales Inbox API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Mozello orders into PayTraq: the inbox, channels, stock sync."},
        servers=[{"url": "/api"}],
        tags=TAGS,
    )
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for operation in OPERATIONS:
        spec.path(path=_openapi_path(operation.rule), operations={
            operation.method: _operation(operation)})
    return spec.to_dict()


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _operation(operation: Operation) -> dict:
    parameters: list[dict] = [
        {"in": "path", "name": name, "required": True,
         "schema": {"type": "string", "minLength": 1, **PATH_EXAMPLES.get(name, {})}}
        for name in operation.path_names
    ]
    if operation.query is not None:
        parameters.append({"in": "query", "schema": operation.query})
    responses: dict[str, dict] = {}
    for status, schema in operation.answers.items():
        answer: dict = {"description": operation.summary}
        if schema is not None:
            answer["content"] = {"application/json": {"schema": schema}}
        if operation.headers:
            answer["headers"] = {name: {"description": text, "schema": {"type": "string"}}
                                 for name, text in operation.headers.items()}
        responses[str(status)] = answer
    for status in operation.errors:
        responses[str(status)] = {"description": ERRORS[status],
                                  "content": {"application/json": {"schema": "Error"}}}
    described = {
        "summary": operation.summary,
        "tags": [operation.tag],
        "operationId": f"{operation.method}_{_openapi_path(operation.rule)}",
        "parameters": parameters,
        "responses": responses,
        "security": [{"bearer": []}, {}],
    }
    if operation.description:
        described["description"] = operation.description
    if operation.body is not None:
        described["requestBody"] = {
            "required": True, "content": {"application/json": {"schema": operation.body}}}
    return described
