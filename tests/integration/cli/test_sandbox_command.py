"""`sales-inbox sandbox paytraq|mozello --port N` serves the seeded sandbox until stopped."""

from __future__ import annotations

import requests

from adapters.mozello import wire
from adapters.mozello.sandbox.server import SEED_PATH as MOZELLO_SEED
from adapters.paytraq.sandbox.state import DEFAULT_SEED as PAYTRAQ_SEED
from adapters.paytraq.sandbox.state import SandboxState
from tests.integration.cli.servers import running, stop, wait_until
from tests.services import free_port


def test_the_paytraq_sandbox_command_serves_the_seeded_company(tmp_path):
    # Given a free port and the seed's credentials
    port = free_port()
    key, token = SandboxState.from_file(PAYTRAQ_SEED).credentials[0]
    url = f"http://127.0.0.1:{port}/api/taxKeys"
    # When the sandbox runs as a command
    with running(["sandbox", "paytraq", "--port", str(port)], {}, log=tmp_path / "log") as p:
        answer = wait_until(lambda: requests.get(url, headers={"APIKey": key, "APIToken": token},
                                                 timeout=2), 30, "the PayTraq sandbox", p)
        refused = requests.get(url, timeout=2)
        # Then it answers PayTraq's XML with the seeded tax keys, and refuses a wrong key
        assert answer.status_code == 200
        assert "PVN 21%" in answer.text
        assert refused.status_code == 401
        # and it stops cleanly on SIGTERM
        assert stop(p) == 0  # a clean exit, not killed by the signal


def test_the_mozello_sandbox_command_serves_the_seeded_shop(tmp_path):
    # Given a free port and the seed's API key
    port = free_port()
    key = wire.decode(MOZELLO_SEED.read_bytes())["api_key"]
    url = f"http://127.0.0.1:{port}/v1/store/product/uid-5102234/"
    # When the sandbox runs as a command
    with running(["sandbox", "mozello", "--port", str(port)], {}, log=tmp_path / "log") as p:
        answer = wait_until(lambda: requests.get(url, headers={"Authorization": f"ApiKey {key}"},
                                                 timeout=2), 30, "the Mozello sandbox", p)
        # Then the seeded product is there
        assert answer.status_code == 200
        assert wire.decode(answer.content)["product"]["sku"] == "TT-100"
        assert requests.get(url, timeout=2).status_code == 401
        assert stop(p) == 0  # a clean exit, not killed by the signal
