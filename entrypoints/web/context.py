"""What every view of the web app reaches: the process's runtime and the delivery queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from entrypoints.runtime import Runtime


@dataclass(frozen=True)
class WebContext:
    runtime: Runtime
    enqueue_delivery: Callable[[str, str], None]


def web_context() -> WebContext:
    return current_app.extensions["sales_inbox"]


def runtime() -> Runtime:
    return web_context().runtime
