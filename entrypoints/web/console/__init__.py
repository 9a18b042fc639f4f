"""The console: server-rendered pages for shop owners and accountants, one blueprint per area."""

from __future__ import annotations

from flask import Flask

from entrypoints.web.console import auth, channels, dashboard, i18n, inbox, orders, security, sync


def register(app: Flask) -> None:
    config = app.extensions["sales_inbox"].runtime.config
    app.session_interface = security.LazyKeySessions(lambda: security.session_key(config))
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=config.public_url.startswith("https://"))
    i18n.setup(app)
    app.jinja_env.globals["csrf_token"] = security.csrf_token
    for module in (auth, inbox, orders, channels, sync, dashboard):
        app.register_blueprint(module.blueprint)
