"""Long-running `sales-inbox` processes for the tests: started with a timeout, always killed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.integration.cli.conftest import SCRIPT


@contextmanager
def running(args: list[str], env: dict[str, str], cwd: Path | None = None,
            log: Path | None = None) -> Iterator[subprocess.Popen]:
    """`sales-inbox ARGS` in the background; its output goes to `log` (or is discarded)."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    process = subprocess.Popen([str(SCRIPT), *args], env={**os.environ, **env}, cwd=cwd,
                               stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        if log:
            out.close()


def wait_until(check: Callable[[], object], timeout: float, what: str,
               process: subprocess.Popen | None = None) -> object:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the process exited ({process.returncode}) before {what}")
        try:
            result = check()
        except requests.RequestException:
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def stop(process: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM, and the exit code once it has stopped (killed after `timeout`)."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout)
