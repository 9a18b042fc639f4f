"""The JSON API under /api/: every endpoint declares its marshmallow schemas (contract.py), which
validate requests, shape answers and write /api/openapi.json. The bearer token (or the console's
session) is checked for every /api/ path in one place: entrypoints/web/context.py."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("api", __name__, url_prefix="/api")

from entrypoints.web.api import channels, dashboard, inbox, openapi, sync  # noqa: E402,F401
from entrypoints.web.api.errors import register_error_answers  # noqa: E402
from entrypoints.web.api.person_actions import record_session_writes  # noqa: E402

register_error_answers(blueprint)
blueprint.after_request(record_session_writes)
