"""How an /api/ endpoint states its contract: the marshmallow schemas of its path, query, body
and answers, and the error answers it may give. One declaration validates the request, shapes
the answer and writes the endpoint into the OpenAPI document (openapi.py)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, ValidationError

# every /api/ endpoint can answer these: the bearer token (or the console's session) guards them
AUTH_ERRORS = (401, 403)


@dataclass(frozen=True)
class Operation:
    rule: str  # the Flask rule under /api, e.g. "/channels/<channel_id>"
    method: str
    summary: str
    description: str
    tag: str
    answers: dict[int, Schema | None]
    errors: tuple[int, ...]
    query: Schema | None = None
    body: Schema | None = None
    headers: dict[str, str] = field(default_factory=dict)  # answer header → description

    @property
    def path_names(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.rule)


OPERATIONS: list[Operation] = []


class ApiError(Exception):
    """An answer other than the happy one: 404 for unknown things, 409 for conflicts…"""

    def __init__(self, status: int, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields


def endpoint(blueprint: Blueprint, rule: str, method: str = "GET", *, tag: str,
             answers: dict[int, Schema | None], errors: tuple[int, ...] = (),
             query: Schema | None = None, body: Schema | None = None,
             headers: dict[str, str] | None = None) -> Callable:
    """Register `view` at `rule`. It is called with the path values, plus `query=` and `body=`
    (what the schemas loaded) when declared; it returns the answer's data, or (data, status),
    or (data, status, headers)."""

    def decorate(view: Callable) -> Callable:
        doc = (view.__doc__ or "").strip().split("\n\n", 1)
        operation = Operation(rule, method.lower(), doc[0].replace("\n", " "),
                              doc[1] if len(doc) > 1 else "", tag, answers,
                              _with_standard_errors(errors), query, body,
                              headers or {})
        OPERATIONS.append(operation)

        @functools.wraps(view)
        def handle(**path: str):
            if any("\x00" in value for value in path.values()):
                raise ApiError(404, "no such thing")
            given = dict(path)
            if query is not None:
                given["query"] = query.load(request.args.to_dict())
            elif request.args:
                raise ValidationError({name: ["Unknown field."] for name in request.args})
            if body is not None:
                given["body"] = body.load(_json_body())
            return _answer(operation, view(**given))

        blueprint.add_url_rule(rule, view.__name__, handle, methods=[method])
        return handle

    return decorate


def _with_standard_errors(errors: tuple[int, ...]) -> tuple[int, ...]:
    """Every endpoint may answer 400 (unknown query parameters are refused), 401 and 403."""
    return tuple(sorted(set(errors) | set(AUTH_ERRORS) | {400}))


def _json_body() -> object:
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "the body must be a JSON object (Content-Type: application/json)",
                       {"_body": ["Not a JSON document."]})
    return data


def _answer(operation: Operation, result) -> Response:
    if isinstance(result, Response):
        return result
    data, status, headers = result, next(iter(operation.answers)), {}
    if isinstance(result, tuple):
        data, status, *rest = result
        headers = rest[0] if rest else {}
    schema = operation.answers[status]
    response = jsonify(schema.dump(data) if schema is not None else data)
    response.status_code = status
    response.headers.update(headers)
    return response
