"""The two make targets a newcomer runs first, as real processes. `make run`: on a fresh checkout,
`sales-inbox serve` with nothing configured starts the sandboxes, takes an order from the Mozello
sandbox's storefront to an e-mailed PayTraq document at PayTraq's real pace, and stops cleanly on
SIGTERM. `make demo`: `sales-inbox demo` exits 0 with its table (rows checked against the
sandboxes in-process in test_demo.py)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import requests

from tests.integration.cli.conftest import run_script
from tests.integration.cli.servers import running, stop, wait_until
from tests.services import free_port

REPO = str(Path(__file__).resolve().parents[3])  # this checkout, wherever it lives


@pytest.fixture
def fresh_checkout(tmp_path):
    clone = tmp_path / "sales-inbox"
    subprocess.run(["git", "clone", "--quiet", "--local", REPO, str(clone)], check=True,
                   timeout=60, capture_output=True)
    return clone


def sandbox_urls(log_path) -> dict:
    for line in log_path.read_text().splitlines():
        if line.startswith("{") and "mozello_sandbox" in line:
            return json.loads(line)
    return {}


def test_serve_on_a_fresh_checkout_takes_a_sandbox_order_to_emailed_and_stops_on_sigterm(
        fresh_checkout, tmp_path, monkeypatch):
    # Given a fresh checkout (no var/) and SALES_INBOX_SANDBOX=on on a free port
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    for name in [k for k in os.environ if k.startswith(("SALES_INBOX_", "PAYTRAQ_", "MOZELLO_"))]:
        monkeypatch.delenv(name)  # embedded defaults, whatever the caller's environment says
    token = "make-run-api-token-0123456789"
    env = {"SALES_INBOX_SANDBOX": "on", "SALES_INBOX_LOG_FORMAT": "json",
           "SALES_INBOX_API_TOKEN": token}
    with running(["serve", "--port", str(port)], env, cwd=fresh_checkout, log=log) as server:
        # When it is up, and a buyer pays an order in the Mozello sandbox's storefront
        health = wait_until(lambda: requests.get(f"{base}/healthz", timeout=2), 60,
                            "/healthz", server)
        assert health.json() == {"status": "ok"}
        urls = wait_until(lambda: sandbox_urls(log), 10, "the SANDBOX MODE log line", server)
        storefront = urls["mozello_sandbox"].removesuffix("v1/") + "sandbox/orders/"
        placed = requests.post(storefront, json={"items": [["TT-100", 1]], "paid": True},
                               timeout=10)
        order_id = placed.json()["order"]["order_id"]

        # Then the inbox shows it e-mailed, with PayTraq's total equal to the shop's
        def emailed():
            items = requests.get(f"{base}/api/inbox", timeout=5,
                                 headers={"Authorization": f"Bearer {token}"}).json()
            return [i for i in items if i["order_id"] == order_id and i["status"] == "emailed"]

        (item,) = wait_until(emailed, 90, f"order {order_id} to be emailed", server)
        assert item["shop_total"] == item["paytraq_total"] == "24.20"
        assert item["channel_id"] == "sandbox"
        # and the console at / asks for a login, which the first log line gives
        first = json.loads(log.read_text().splitlines()[0])
        assert "log in as demo / sales-inbox-demo" in first["event"]
        assert_console_shows_the_sandbox_channel(base)
        # and SIGTERM stops the server with exit code 0 within 30 seconds
        assert stop(server, timeout=30) == 0
    # and the checkout's own var/ holds the database it used
    assert (fresh_checkout / "var" / "sales-inbox.sqlite3").exists()
    assert "SANDBOX MODE" in log.read_text()


def assert_console_shows_the_sandbox_channel(base: str) -> None:
    browser = requests.Session()
    login = browser.get(f"{base}/", timeout=5)
    assert login.url.startswith(f"{base}/login")
    token = login.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    inbox = browser.post(f"{base}/login", timeout=10, data={
        "username": "demo", "password": "sales-inbox-demo", "csrf_token": token})
    assert inbox.status_code == 200 and "Pārdošanas iesūtne" in inbox.text
    assert "Sandbox shop" in browser.get(f"{base}/channels/", timeout=5).text


def test_the_demo_command_prints_the_rows_as_json_and_exits_0(tmp_path):
    # Given an empty working directory
    # When the real command runs there with --json
    result = run_script({}, "demo", "--json", timeout=120, cwd=tmp_path)
    # Then it exits 0, stdout is the rows, and the user's storage was never touched
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    rows = {row["scenario"]: row for row in json.loads(result.stdout)}
    assert (rows["matching totals"]["mozello_total"], rows["matching totals"]["paytraq_total"]) == (
        "48.40", "48.40")
    assert (rows["VAT rounding"]["mozello_total"], rows["VAT rounding"]["paytraq_total"]) == (
        "33.89", "33.88")
    assert rows["unpaid bank transfer"]["inbox_status"] == "received"
    assert rows["unknown SKU"]["inbox_status"] == "needs_review"
    assert list(tmp_path.iterdir()) == []


def test_the_demo_command_prints_a_readable_table(tmp_path):
    # Given nothing configured
    # When the real command runs
    result = run_script({}, "demo", timeout=120, cwd=tmp_path)
    # Then it exits 0 with the table, in the seed's Latvian terms, and says it ran at sandbox pace
    assert result.returncode == 0, result.stderr
    assert "sandbox pace" in result.stdout
    header = result.stdout.splitlines()[3]
    for column in ("ORDER", "ORDERED", "MOZELLO", "PAYTRAQ DOCUMENT", "PAYMENT", "E-MAIL",
                   "INBOX"):
        assert column in header
    assert "Pasūtījums / Melnraksts" in result.stdout
    assert "VAT rounding: shop 33.89, PayTraq 33.88" in result.stdout
    assert "needs_review (Jāpārskata)" in result.stdout
