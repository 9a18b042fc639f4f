"""What every CLI command shares: the runtime, and errors as one clear line."""

from __future__ import annotations

from typing import NoReturn

import click

from entrypoints.runtime import Runtime, build_runtime

_runtime: Runtime | None = None


def runtime_for_cli() -> Runtime:
    """Storage and adapters, no broker: commands run their follow-ups in-line."""
    global _runtime
    if _runtime is None:
        _runtime = build_runtime()
    return _runtime


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)
