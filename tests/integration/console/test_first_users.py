"""What `serve` says and does about console users as it starts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from structlog.testing import capture_logs

from adapters.memory.clock import SteppingClock
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.logins import create_user
from entrypoints.console_users import DEMO_PASSWORD, announce_console_users
from entrypoints.passwords import hash_password

pytestmark = pytest.mark.integration
URL = "http://127.0.0.1:8000"


@pytest.fixture
def store():
    return MemoryStore()


def start(store, sandbox: bool) -> list[str]:
    with capture_logs() as logs:
        announce_console_users(lambda: InMemoryUnitOfWork(store),
                               SteppingClock(datetime(2026, 12, 1, tzinfo=UTC)), sandbox, URL)
    return [entry["event"] for entry in logs]


def users(store) -> list[str]:
    return sorted(store.users)


def test_a_fresh_install_is_told_how_to_create_the_first_user(store):
    (line,) = start(store, sandbox=False)
    assert "sales-inbox user create NAME" in line and URL in line
    assert users(store) == []


def test_sandbox_mode_creates_the_documented_demo_user_and_says_so(store):
    (line,) = start(store, sandbox=True)
    assert f"log in as demo / {DEMO_PASSWORD}" in line
    assert users(store) == ["demo"]


def test_the_demo_user_is_removed_when_the_service_leaves_sandbox_mode(store):
    start(store, sandbox=True)
    create_user(InMemoryUnitOfWork(store), "anna", "correct horse battery",
                hash_password, SteppingClock(datetime(2026, 12, 1, tzinfo=UTC)))
    lines = start(store, sandbox=False)
    assert users(store) == ["anna"] and "demo user was removed" in lines[0]
