import os

import structlog
from hypothesis import settings

from entrypoints.logs import configure_logging

# Property tests: a quick pass on a developer's machine (`make unit` stays fast), a thorough one
# in CI.
settings.register_profile("dev", max_examples=15)
settings.register_profile("ci", max_examples=200)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config):
    configure_logging(json_output=False, level="WARNING")


def pytest_runtest_setup(item):
    structlog.contextvars.clear_contextvars()
