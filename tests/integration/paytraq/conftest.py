from __future__ import annotations

import logging

import pytest
import structlog

from tests.integration.paytraq.scenario import Company, client_for, quiet_sandbox, seeded_fake


@pytest.fixture
def sandbox():
    running = quiet_sandbox()
    yield running
    running.stop()


@pytest.fixture(params=["fake", "paytraq_over_http"])
def company(request) -> Company:
    """The contract holds for the in-memory fake and for the HTTP client against the sandbox."""
    if request.param == "fake":
        yield Company("fake", seeded_fake())
        return
    running = quiet_sandbox()
    yield Company("paytraq", client_for(running), running)
    running.stop()


@pytest.fixture
def info_logs():
    """The test session logs at WARNING; let the client's info lines through for one test."""
    saved = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    yield
    structlog.configure(**saved)
