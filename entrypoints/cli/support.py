"""What every CLI command shares: the runtime, and errors as one clear line."""

from __future__ import annotations

from typing import NoReturn

import click

from entrypoints.runtime import Runtime, get_runtime


def runtime_for_cli() -> Runtime:
    """The process's runtime: storage and adapters, no broker, so commands run their
    follow-ups in-line."""
    return get_runtime()


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)
