import structlog

from entrypoints.logs import configure_logging


def pytest_configure(config):
    configure_logging(json_output=False, level="WARNING")


def pytest_runtest_setup(item):
    structlog.contextvars.clear_contextvars()
