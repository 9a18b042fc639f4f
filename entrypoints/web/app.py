"""The web app: one Flask app per process, its blueprints registered here."""

from __future__ import annotations

from pathlib import Path

import structlog
from flask import Flask, request

from application.outbox import DeliveryOutbox, Enqueue, SendNow
from entrypoints.runtime import Runtime
from entrypoints.web import api, console, headers, ops
from entrypoints.web.context import WebContext, require_credentials
from entrypoints.web.proxies import TrustedProxyFix
from entrypoints.web.webhook import WebhookLane

MAX_BODY = 2 * 1024 * 1024
HERE = Path(__file__).resolve().parent  # templates/ and static/ (the console's pages)


def create_app(runtime: Runtime, deliveries: DeliveryOutbox | Enqueue) -> Flask:
    """`deliveries` takes a stored webhook delivery to the workers: an outbox, or a function
    `(channel_id, delivery_id)` that queues it at once (application/outbox.py)."""
    app = Flask("sales_inbox", template_folder="templates", static_folder="static",
                root_path=str(HERE))
    config = runtime.config
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY,
        # the session cookie: never read by scripts, not sent by other sites' forms, and over
        # HTTPS only when the deployment is served over HTTPS
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.https,
        PREFERRED_URL_SCHEME="https" if config.https else "http",
    )
    if not isinstance(deliveries, DeliveryOutbox):
        deliveries = SendNow(deliveries, runtime.clock)
    context = app.extensions["sales_inbox"] = WebContext(runtime, deliveries)
    # Mozello's webhook is answered in front of Flask (webhook.py); the proxy fix comes first
    app.wsgi_app = TrustedProxyFix(WebhookLane(app.wsgi_app, context, MAX_BODY),
                                   config.trusted_proxies)

    @app.before_request
    def bind_request():
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(path=request.path, client=request.remote_addr)
        return require_credentials()

    headers.install(app)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(ops.blueprint)
    console.register(app)
    return app
