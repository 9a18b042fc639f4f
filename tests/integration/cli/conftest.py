"""The `sales-inbox` command against sandboxes started by each test, with a database, a var/
directory and a secret key of the test's own. Commands run in-process (CliRunner) and as the
real console script (`.venv/bin/sales-inbox`) in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.fernet import Fernet

from adapters.mozello.sandbox.server import SEED_PATH, MozelloSandbox
from adapters.mozello.webhooks import receive_command
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.sandbox_wsgi import RunningServer, serve_in_thread
from entrypoints import runtime as runtime_module
from entrypoints.cli.main import cli
from entrypoints.config import load_config
from entrypoints.logs import configure_logging
from entrypoints.runtime import Runtime, build_runtime, open_storage
from entrypoints.web.app import create_app

SCRIPT = Path(sys.executable).with_name("sales-inbox")
FAST = {"paytraq_options": {"rate": 200.0, "burst": 50}, "mozello_options": {"limiters": []}}




@dataclass
class Sandboxes:
    paytraq: PayTraqSandbox
    mozello: MozelloSandbox


@pytest.fixture
def sandboxes() -> Iterator[Sandboxes]:
    paytraq = PayTraqSandbox().start()
    paytraq.controls.rate_limit = None
    mozello = MozelloSandbox(seed_path=SEED_PATH).start()
    mozello.state.rate_limit.enabled = False
    mozello.state.webhooks.delay = 0
    try:
        yield Sandboxes(paytraq, mozello)
    finally:
        mozello.stop()
        paytraq.stop()


def _fast(runtime: Runtime) -> Runtime:
    """The sandboxes are local: lift the PayTraq client's 1 request/s pace (the limiter is tested
    in tests/integration/paytraq)."""
    runtime.gateways.paytraq_options = FAST["paytraq_options"]
    runtime.gateways.mozello_options = FAST["mozello_options"]
    return runtime


@pytest.fixture
def env(tmp_path, sandboxes, monkeypatch) -> dict[str, str]:
    """The environment of every command in the test (also set in os.environ for CliRunner)."""
    values = {
        "SALES_INBOX_VAR_DIR": str(tmp_path / "var"),
        "SALES_INBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "SALES_INBOX_SECRET_KEY": Fernet.generate_key().decode(),
        "SALES_INBOX_PUBLIC_URL": "http://127.0.0.1:9",
        "SALES_INBOX_SANDBOX": "off",
        "SALES_INBOX_LOG_FORMAT": "json",
        "SALES_INBOX_REDIS_URL": "",
        "PAYTRAQ_API_URL": sandboxes.paytraq.base_url,
        "MOZELLO_API_URL": sandboxes.mozello.base_url,
        "SALES_INBOX_PAYTRAQ_RATE": "200",  # a local sandbox: the pace is tested elsewhere
        "SALES_INBOX_PAYTRAQ_BURST": "50",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(runtime_module, "_current", None)
    yield values
    configure_logging(json_output=False, level="WARNING")  # CliRunner's stderr is gone


@pytest.fixture
def receiver(env, monkeypatch) -> Iterator[RunningServer]:
    """The web app over the test's database, receiving Mozello's webhooks; a delivery is
    turned into the inbox item at once (no broker). SALES_INBOX_PUBLIC_URL points at it."""
    runtime = _fast(build_runtime(load_config(env), open_storage(load_config(env))))

    def receive(channel_id: str, delivery_id: str) -> None:
        with runtime.uow_factory() as uow:
            delivery = uow.deliveries.wait_for(delivery_id)
        command = receive_command(delivery, runtime.gateways.shop(channel_id))
        if command is not None:
            runtime.bus().handle(command)

    # the delivery is committed before it is handed on: received before Mozello's answer
    web = serve_in_thread(create_app(runtime, receive))
    env["SALES_INBOX_PUBLIC_URL"] = web.base_url
    monkeypatch.setenv("SALES_INBOX_PUBLIC_URL", web.base_url)
    try:
        yield web
    finally:
        web.stop()


def invoke(*args: str) -> Result:
    """`sales-inbox ARGS` in-process, exceptions not swallowed."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_script(env: dict[str, str], *args: str, timeout: float = 60,
               cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real console script in a subprocess (killed if it overruns)."""
    process = subprocess.Popen([str(SCRIPT), *args], env={**os.environ, **env}, text=True, cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def human_lines(stderr: str) -> list[str]:
    """stderr without the JSON log lines: what a person reads."""
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("{")]


@pytest.fixture
def create_channel(sandboxes, env):
    def create(name: str = "Linu Darbnīca") -> str:
        result = invoke("channel", "create", "--name", name,
                        "--mozello-api-key", sandboxes.mozello.api_key,
                        "--paytraq-api-key", sandboxes.paytraq.api_key,
                        "--paytraq-api-token", sandboxes.paytraq.api_token, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["id"]

    return create


SANDBOX_OPTIONS = (
    "--document-type", "sales_order", "--operation", "sell_goods", "--warehouse-id", "1",
    "--tax-map", "21=100021", "--tax-map", "12=100012", "--tax-map", "0=100000",
    "--payment-map", "gateway=5011", "--merchant-account", "gateway",
    "--payment-map", "paypal=5012", "--payment-map", "banktransfer=5013",
    "--approve", "--add-payment", "--send-email",
)


@pytest.fixture
def fast_cli(env, monkeypatch) -> Runtime:
    """The CLI's own runtime over the test's database, with the PayTraq pace lifted."""
    runtime = _fast(build_runtime(load_config(env)))
    monkeypatch.setattr(runtime_module, "_current", runtime)
    return runtime
