"""`make chaos` at the size CI affords: the real processes on PostgreSQL and a private Redis,
every scenario of the full run with a handful of orders, the same invariants."""

import os
import shutil

import pytest

from chaos.run import run
from chaos.scenarios import Size
from tests.services import require_postgres


def test_every_invariant_holds_through_crashes_restarts_faults_and_fuzz(tmp_path):
    # Given the deployment (PostgreSQL, a private Redis, gunicorn, two workers, the scheduler)
    require_postgres()
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (CI must provide it)")
        pytest.skip("redis-server is not installed")
    # When every scenario runs — a burst, killed and stopped workers, a Redis restart, PayTraq
    # faults, dropped webhooks, fuzzed webhooks — at the CI size
    report = run(Size.small(), tmp_path / "chaos", progress=lambda line: None)
    # Then one document, payment and e-mail per order, one client per buyer, nothing lost,
    # no 5xx to fuzz, everything settled within two minutes, and no secret anywhere
    print(report.text())
    assert report.violations() == []
    assert [o.scenario for o in report.outcomes] == [
        "burst", "worker kill/term", "redis restart", "paytraq faults 15%",
        "webhooks dropped 10%", "fuzzed webhooks"]
    assert report.scan is not None and report.scan.log_lines > 0
