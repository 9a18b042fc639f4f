"""structlog, configured once per process: one JSON line per event in production, key=value on
a terminal; `channel`, `order_id` and `message_id` come from contextvars; secrets are redacted."""

from __future__ import annotations

import logging
import os
import re
import sys

import structlog

SECRET_KEYS = re.compile(r"(api_?key|api_?token|token|password|secret|authorization|hash)", re.I)
SECRET_VALUES = re.compile(r"(MZL-[0-9A-Za-z-]{8,})")


def redact(_, __, event_dict: dict) -> dict:
    for key, value in list(event_dict.items()):
        if SECRET_KEYS.search(key) and value:
            event_dict[key] = "***"
        elif isinstance(value, str) and SECRET_VALUES.search(value):
            event_dict[key] = SECRET_VALUES.sub("MZL-***", value)
    return event_dict


def configure_logging(json_output: bool | None = None, level: str | None = None) -> None:
    if json_output is None:
        fmt = os.environ.get("SALES_INBOX_LOG_FORMAT", "auto")
        json_output = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    level_name = (level or os.environ.get("SALES_INBOX_LOG_LEVEL", "INFO")).upper()
    renderer = (
        structlog.processors.JSONRenderer()
        if json_output
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level_name, logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )
