"""The console through Flask's test client, over the in-memory storage and fakes: a logged-in
person, a channel, and orders in every state the pages must show."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from adapters.memory.gateways import StaticGateways
from adapters.memory.locks import InMemoryLock
from adapters.memory.shop import FakeShop
from adapters.memory.uow import InMemoryUnitOfWork
from application.logins import create_user
from entrypoints.config import load_config
from entrypoints.passwords import hash_password
from entrypoints.runtime import Runtime
from entrypoints.web.app import create_app
from tests.unit.builders import pipeline

PASSWORD = "correct horse battery"


@dataclass
class Console:
    client: object
    flow: object
    runtime: Runtime

    def csrf(self, path: str = "/login") -> str:
        page = self.client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def login(self, name: str = "anna", password: str = PASSWORD):
        return self.client.post("/login", data={"username": name, "password": password,
                                                "csrf_token": self.csrf()})

    def post(self, path: str, data: dict | None = None, page: str | None = None):
        return self.client.post(path, data={**(data or {}),
                                            "csrf_token": self.csrf(page or "/")})

    def page(self, path: str) -> str:
        answer = self.client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.get_data(as_text=True)

    def actions(self):
        with self.runtime.uow_factory() as uow:
            return [(a.user, a.action, a.order_id) for a in reversed(uow.actions.recent())]


@pytest.fixture
def console(tmp_path) -> Console:
    flow = pipeline()
    config = dataclasses.replace(load_config({"SALES_INBOX_VAR_DIR": str(tmp_path)}))
    runtime = Runtime(config, lambda: InMemoryUnitOfWork(flow.store),
                      StaticGateways(flow.accounting, FakeShop()), flow.clock,
                      stock_lock=InMemoryLock())
    create_user(runtime.uow_factory(), "anna", PASSWORD, hash_password, flow.clock)
    app = create_app(runtime, lambda channel_id, delivery_id: None)
    app.config["TESTING"] = True
    return Console(app.test_client(), flow, runtime)


T0 = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
