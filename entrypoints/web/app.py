"""The web app: one Flask app per process, its blueprints registered here."""

from __future__ import annotations

from pathlib import Path

import structlog
from flask import Flask, request

from entrypoints.runtime import Runtime
from entrypoints.web import api, console, ops, webhook
from entrypoints.web.console.security import guard
from entrypoints.web.context import WebContext

MAX_BODY = 2 * 1024 * 1024


def create_app(runtime: Runtime, enqueue_delivery) -> Flask:
    """`enqueue_delivery(channel_id, delivery_id)` hands a stored delivery to the workers."""
    app = Flask("sales_inbox", template_folder="templates", static_folder="static",
                root_path=str(Path(__file__).resolve().parent))
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.extensions["sales_inbox"] = WebContext(runtime, enqueue_delivery)

    @app.before_request
    def bind_request():
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(path=request.path)
        return guard(runtime.config)

    app.register_blueprint(webhook.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(ops.blueprint)
    console.register(app)
    return app
