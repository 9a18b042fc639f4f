"""The console: server-rendered pages for shop owners and accountants, one blueprint per area.
Who may see them is decided by the app's one guard (entrypoints/web/context.py)."""

from __future__ import annotations

from flask import Flask

from entrypoints.web import sessions
from entrypoints.web.console import auth, channels, dashboard, i18n, inbox, orders, sync
from entrypoints.web.context import PAGES


def register(app: Flask) -> None:
    """Sessions (signed cookies; the cookie flags are set in create_app), the languages, the
    CSRF token every form carries, and the pages."""
    config = app.extensions["sales_inbox"].runtime.config
    app.session_interface = sessions.LazyKeySessions(lambda: sessions.session_key(config))
    i18n.setup(app)
    app.jinja_env.globals["csrf_token"] = sessions.csrf_token
    pages = (auth, inbox, orders, channels, sync, dashboard)
    for module in pages:
        app.register_blueprint(module.blueprint)
    app.config[PAGES] = frozenset(module.blueprint.name for module in pages)
