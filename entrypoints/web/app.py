"""The web app: one Flask app per process, its blueprints registered here."""

from __future__ import annotations

from pathlib import Path

import structlog
from flask import Flask, request

from entrypoints.runtime import Runtime
from entrypoints.web import api, console, headers, ops, webhook
from entrypoints.web.context import WebContext, require_credentials
from entrypoints.web.proxies import TrustedProxyFix

MAX_BODY = 2 * 1024 * 1024
HERE = Path(__file__).resolve().parent  # templates/ and static/ (the console's pages)


def create_app(runtime: Runtime, enqueue_delivery) -> Flask:
    """`enqueue_delivery(channel_id, delivery_id)` hands a stored delivery to the workers."""
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
    app.extensions["sales_inbox"] = WebContext(runtime, enqueue_delivery)
    app.wsgi_app = TrustedProxyFix(app.wsgi_app, config.trusted_proxies)

    @app.before_request
    def bind_request():
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(path=request.path, client=request.remote_addr)
        return require_credentials()

    headers.install(app)
    app.register_blueprint(webhook.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(ops.blueprint)
    console.register(app)
    return app
