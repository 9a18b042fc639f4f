"""What every view of the web app reaches: the process's runtime and the webhook outbox."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import structlog
from flask import abort, current_app, g, jsonify, redirect, request, session, url_for

from application.logins import session_user
from application.outbox import DeliveryOutbox
from entrypoints.runtime import Runtime
from entrypoints.web.sessions import csrf_ok, logged_in_user

logger = structlog.get_logger()


@dataclass(frozen=True)
class WebContext:
    runtime: Runtime
    outbox: DeliveryOutbox  # where a stored webhook delivery is handed to the workers


def web_context() -> WebContext:
    return current_app.extensions["sales_inbox"]


def runtime() -> Runtime:
    return web_context().runtime


# answer anybody: the health probe, the login page, the language switch (the login page offers
# it, before anyone has logged in) and the static files; Mozello's webhook (its signature is
# checked) is answered before Flask, by webhook.py's lane. Every other endpoint needs
# credentials, whatever address the request came from (behind a proxy on the same host, every
# request comes from 127.0.0.1).
OPEN_ENDPOINTS = frozenset({"ops.healthz", "static", "auth.login", "auth.language"})
MACHINES = frozenset({"ops.healthz"})  # open, and never a person's
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PAGES = "SALES_INBOX_PAGES"  # app.config: the blueprints of the console's pages (a browser's)


def is_open(endpoint: str) -> bool:
    return endpoint in OPEN_ENDPOINTS or endpoint.endswith(".static")


def require_credentials():
    """The app's one `before_request` guard: None lets the request through, else the refusal.
    /metrics: its own token (Prometheus's), or nothing with SALES_INBOX_METRICS_PUBLIC=1;
    the console's pages: a logged-in session (a form also carries its CSRF token), else the
    browser is sent to the login page; everything else (/api/*): the API bearer token, or a
    logged-in session whose writes carry its CSRF token as X-CSRF-Token."""
    endpoint = request.endpoint
    if endpoint in MACHINES:
        return None  # no person, so no session to read
    g.user = _still_valid(logged_in_user())
    if endpoint is None:
        return None  # no such route: Flask answers 404/405
    if is_open(endpoint):
        return _form_csrf() if endpoint.startswith("auth.") else None
    config = runtime().config
    if endpoint == "ops.metrics":
        if config.metrics_public or _bearer(config.metrics_token):
            return None
        return _refuse("missing or wrong metrics token (SALES_INBOX_METRICS_TOKEN)")
    if request.blueprint in current_app.config.get(PAGES, ()):
        if g.user:
            return _form_csrf()
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if _bearer(config.api_token):
        return None  # a machine: no session, so no CSRF to check
    if g.user:
        return _csrf(request.headers.get("X-CSRF-Token"))
    return _refuse("missing or wrong API token (SALES_INBOX_API_TOKEN)")


def _still_valid(name: str | None) -> str | None:
    """A session names its user only while the user exists with the password it logged in
    with: deleting a user or giving them a new password ends their open sessions."""
    if not name:
        return None
    if session_user(runtime().uow_factory(), name, session.get("stamp", "")) is None:
        language = session.get("lang")
        session.clear()
        if language:
            session["lang"] = language
        return None
    return name


def _form_csrf():
    return _csrf(request.form.get("csrf_token"))


def _csrf(given: str | None):
    """A write in a person's session must carry the session's CSRF token (another site's form
    cannot know it)."""
    if request.method in SAFE_METHODS or csrf_ok(given):
        return None
    logger.warning("request_refused", status=403, reason="missing or wrong CSRF token")
    abort(403, "missing or wrong CSRF token")


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
