"""The real web app over in-memory storage, for requests through Flask's test client (no I/O)."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import Rule

from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from entrypoints.config import load_config
from entrypoints.runtime import Runtime
from entrypoints.web.app import create_app

API_TOKEN = "api-token-0123456789abcdef"
METRICS_TOKEN = "metrics-token-0123456789abcdef"
LOCAL = {"REMOTE_ADDR": "127.0.0.1"}

# by the last part of the endpoint name: the health probe, static files, the login page and the
# language switch (offered on the login page); nothing else may answer an anonymous request.
# Mozello's signed webhook answers too, in front of Flask (test_webhook_lane.py).
OPEN = {"healthz", "static", "login", "language"}
PROXIED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
           "X-Forwarded-Host": "inbox.example.lv"}
WAYS_IN = {"from 127.0.0.1": {}, "through a trusted proxy": PROXIED}


def requests_for(app) -> list[tuple[Rule, str, str]]:
    """(rule, method, path) for every route and method, arguments filled with a placeholder."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, "x1"), method=method)
            found.append((rule, method, path))
    return found


def refused(answer) -> bool:
    if answer.status_code == 401:
        return True
    return answer.status_code in (302, 303) and "login" in answer.headers.get("Location", "")


def web_app(**settings: str) -> Flask:
    """`settings`: SALES_INBOX_* variables without the prefix, e.g. TRUSTED_PROXIES="1"."""
    # a secret key: the session cookies' key is derived from it, never written to var/
    env = {"SALES_INBOX_SECRET_KEY": "unit-test-secret-key-0123456789"}
    env.update({f"SALES_INBOX_{name}": value for name, value in settings.items()})
    config = load_config(env)
    store = MemoryStore()
    runtime = Runtime(config, lambda: InMemoryUnitOfWork(store), gateways=None)
    delivered: list[tuple[str, str]] = []
    app = create_app(runtime, lambda c, d: delivered.append((c, d)))
    app.testing = True
    return app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
