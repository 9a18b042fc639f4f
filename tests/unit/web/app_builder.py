"""The real web app over in-memory storage, for requests through Flask's test client (no I/O)."""

from __future__ import annotations

import dataclasses

from flask import Flask

from adapters.memory.storage_repositories import ExtendedMemoryStore, InMemoryStorageUnitOfWork
from entrypoints.config import load_config
from entrypoints.runtime import Runtime
from entrypoints.web.app import create_app

API_TOKEN = "api-token-0123456789abcdef"
METRICS_TOKEN = "metrics-token-0123456789abcdef"
LOCAL = {"REMOTE_ADDR": "127.0.0.1"}


def web_app(**settings: str) -> Flask:
    """`settings`: SALES_INBOX_* variables without the prefix, e.g. TRUSTED_PROXIES="1"."""
    env = {f"SALES_INBOX_{name}": value for name, value in settings.items()}
    config = load_config(env)
    store = ExtendedMemoryStore()
    runtime = Runtime(config, lambda: InMemoryStorageUnitOfWork(store), gateways=None)
    delivered: list[tuple[str, str]] = []
    app = create_app(runtime, lambda c, d: delivered.append((c, d)))
    app.testing = True
    return app


def with_config(app: Flask, **changes) -> Flask:
    context = app.extensions["sales_inbox"]
    context.runtime.config = dataclasses.replace(context.runtime.config, **changes)
    return app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
