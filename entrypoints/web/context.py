"""What every view of the web app reaches: the process's runtime and the delivery queue."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from flask import current_app, jsonify, request

from entrypoints.runtime import Runtime

logger = structlog.get_logger()


@dataclass(frozen=True)
class WebContext:
    runtime: Runtime
    enqueue_delivery: Callable[[str, str], None]


def web_context() -> WebContext:
    return current_app.extensions["sales_inbox"]


def runtime() -> Runtime:
    return web_context().runtime


# answer anybody: the health probe, Mozello's webhook (its signature is checked), the login page
# and its static files. Every other endpoint needs credentials, whatever address the request
# came from (behind a proxy on the same host, every request comes from 127.0.0.1).
OPEN_ENDPOINTS = frozenset({"ops.healthz", "webhook.mozello_webhook", "static", "auth.login"})


def is_open(endpoint: str) -> bool:
    return endpoint in OPEN_ENDPOINTS or endpoint.endswith(".static")


def require_credentials():
    """The app's one `before_request` guard: None lets the request through, else the refusal.
    /metrics: its own token (Prometheus's), or nothing with SALES_INBOX_METRICS_PUBLIC=1;
    everything else: the API bearer token."""
    endpoint = request.endpoint
    if endpoint is None or is_open(endpoint):
        return None  # no such route (Flask answers 404/405) or open to all
    config = runtime().config
    if endpoint == "ops.metrics":
        if config.metrics_public or _bearer(config.metrics_token):
            return None
        return _refuse("missing or wrong metrics token (SALES_INBOX_METRICS_TOKEN)")
    if _bearer(config.api_token):
        return None
    return _refuse("missing or wrong API token (SALES_INBOX_API_TOKEN)")


def _bearer(token: str | None) -> bool:
    """The request carries `Authorization: Bearer <token>`; never true for an unset token."""
    if not token:
        return False
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def _refuse(reason: str):
    """401, logged with the path and the real client address (never what was sent)."""
    logger.warning("request_refused", status=401, reason=reason)
    answer = jsonify(error=reason)
    answer.headers["WWW-Authenticate"] = 'Bearer realm="sales-inbox"'
    return answer, 401
