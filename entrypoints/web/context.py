"""What every view of the web app reaches: the process's runtime and the delivery queue."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, jsonify, request

from entrypoints.runtime import Runtime


@dataclass(frozen=True)
class WebContext:
    runtime: Runtime
    enqueue_delivery: Callable[[str, str], None]


def web_context() -> WebContext:
    return current_app.extensions["sales_inbox"]


def runtime() -> Runtime:
    return web_context().runtime


def require_api_token():
    """A `before_request` guard: the bearer token, when the deployment sets one."""
    token = runtime().config.api_token
    if not token:
        return None
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return jsonify(error="missing or wrong API token"), 401
    return None
