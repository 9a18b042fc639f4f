"""`sales-inbox channel create | configure | show`: keys checked against both APIs, the webhook
registered in Mozello, only the options given changed, secrets masked, every mistake one line."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.integration.cli.conftest import SANDBOX_OPTIONS, human_lines, invoke, run_script


def test_channel_create_with_valid_keys_prints_the_id_and_registers_the_webhook(
        sandboxes, env, receiver):
    # Given a Mozello shop and a PayTraq company whose keys are valid
    # When the channel is created
    result = invoke("channel", "create", "--name", "Linu Darbnīca",
                    "--mozello-api-key", sandboxes.mozello.api_key,
                    "--paytraq-api-key", sandboxes.paytraq.api_key,
                    "--paytraq-api-token", sandboxes.paytraq.api_token, "--json")
    # Then it prints the id, the webhook path and the read-only channel check
    assert result.exit_code == 0
    created = json.loads(result.stdout)
    assert set(created) == {"id", "webhook_path", "check"}
    assert "PayTraq: API key and token" in [c["check"] for c in created["check"]["checks"]]
    assert created["webhook_path"] == f"/webhooks/mozello/{created['id']}"
    # and Mozello now notifies SALES_INBOX_PUBLIC_URL + the webhook path, for every event
    assert sandboxes.mozello.state.notifications_url == (
        env["SALES_INBOX_PUBLIC_URL"] + created["webhook_path"])
    assert "ORDER_CREATED" in sandboxes.mozello.state.notifications_wanted
    # and the channel is stored
    listed = json.loads(invoke("channel", "list", "--json").stdout)
    assert [c["id"] for c in listed] == [created["id"]]


def test_channel_create_with_a_wrong_mozello_key_fails_in_one_line(sandboxes, env):
    # Given a Mozello key that Mozello does not know
    args = ("channel", "create", "--name", "Shop", "--mozello-api-key", "MZL-0000000-wrong",
            "--paytraq-api-key", sandboxes.paytraq.api_key,
            "--paytraq-api-token", sandboxes.paytraq.api_token)
    # When the real command runs
    result = run_script(env, *args)
    # Then it says so in one line, without a traceback, and stores nothing
    assert result.returncode != 0
    assert human_lines(result.stderr) == [
        "error: Mozello rejected the API key (Store → Store settings → API in Mozello)"]
    assert "Traceback" not in result.stderr + result.stdout
    assert "MZL-0000000-wrong" not in result.stderr
    assert sandboxes.mozello.state.notifications_url is None
    assert json.loads(invoke("channel", "list", "--json").stdout) == []


def test_channel_create_with_a_wrong_paytraq_key_fails_in_one_line(sandboxes, env):
    # Given a PayTraq key/token pair PayTraq does not know
    args = ("channel", "create", "--name", "Shop", "--mozello-api-key", sandboxes.mozello.api_key,
            "--paytraq-api-key", "wrong-key", "--paytraq-api-token", "wrong-token")
    # When the real command runs
    result = run_script(env, *args)
    # Then one line names PayTraq, and Mozello's webhook was not registered
    assert result.returncode != 0
    assert human_lines(result.stderr) == [
        "error: PayTraq rejected the API key/token (Settings → API in PayTraq)"]
    assert "Traceback" not in result.stderr + result.stdout
    assert sandboxes.mozello.state.notifications_url is None


def test_channel_configure_changes_every_option_given(create_channel):
    # Given a new channel with default settings
    channel_id = create_channel()
    # When every option is set
    result = invoke(
        "channel", "configure", channel_id, *SANDBOX_OPTIONS,
        "--operation", "sell_services", "--document-type", "sales_invoice",
        "--auto-process", "--trigger", "received", "--trigger-override", "banktransfer=paid",
        "--unknown-sku", "free_text_line", "--rounding-limit", "0.02",
        "--rounding-tax-key", "100099", "--sync-prices", "--price-group-id", "1476",
        "--daily-sync", "--daily-sync-time", "07:30", "--email-via", "smtp",
        "--smtp-host", "127.0.0.1", "--smtp-port", "2525", "--smtp-user", "shop",
        "--smtp-password", "smtp-secret-pw", "--smtp-from", "shop@example.com",
        "--smtp-security", "none", "--json")
    # Then show --json reports each of them
    assert result.exit_code == 0, result.output
    shown = json.loads(invoke("channel", "show", channel_id, "--json").stdout)
    settings = shown["settings"]
    # switching automatic processing on records when: older orders wait for a person
    assert settings.pop("auto_process_since").startswith(str(datetime.now(UTC).year))
    assert settings | {"stock_sync": None} == {
        "auto_process": True, "trigger": "received",
        "trigger_overrides": {"banktransfer": "paid"},
        "document_type": "sales_invoice", "operation": "sell_services", "approve": True,
        "add_payment": True, "send_email": True,
        "payment_map": {"banktransfer": "5013", "gateway": "5011", "paypal": "5012"},
        "merchant_accounts": ["gateway"],
        "tax_map": {"0": "100000", "12": "100012", "21": "100021"},
        "rounding_tax_key": "100099", "warehouse_id": "1", "unknown_sku": "free_text_line",
        "rounding_limit": "0.02", "email_via": "smtp", "stock_sync": None,
        "paytraq_transport": "rest", "currency": "EUR",
    }
    assert settings["stock_sync"]["sync_prices"] is True
    assert settings["stock_sync"]["price_group_id"] == "1476"
    assert settings["stock_sync"]["daily"] is True
    assert settings["stock_sync"]["daily_time"] == "07:30"
    assert {k: shown["credentials"][k] for k in
            ("smtp_host", "smtp_port", "smtp_user", "smtp_from", "smtp_security")} == {
        "smtp_host": "127.0.0.1", "smtp_port": 2525, "smtp_user": "shop",
        "smtp_from": "shop@example.com", "smtp_security": "none"}


def test_channel_configure_keeps_the_options_not_given(create_channel):
    # Given a configured channel
    channel_id = create_channel()
    invoke("channel", "configure", channel_id, *SANDBOX_OPTIONS)
    # When only one switch changes
    invoke("channel", "configure", channel_id, "--no-send-email")
    # Then the others keep their values
    settings = json.loads(invoke("channel", "show", channel_id, "--json").stdout)["settings"]
    assert (settings["send_email"], settings["approve"], settings["payment_map"]["gateway"]) == (
        False, True, "5011")


@pytest.mark.parametrize(("option", "message"), [
    (("--payment-map", "gateway"), "'gateway' is not a payment mapping"),
    (("--payment-map", "gateway=5011=x"), "is not a payment mapping"),
    (("--tax-map", "twenty=100021"), "'twenty' is not a VAT rate"),
    (("--tax-map", "121=100021"), "VAT rate '121' must be between 0 and 100"),
    (("--daily-sync-time", "25:00"), "'25:00' is not a time of day HH:MM"),
    (("--daily-sync-time", "6 am"), "is not a time of day HH:MM"),
    (("--rounding-limit", "-0.01"), "amount '-0.01' must be zero or positive"),
    (("--rounding-limit", "0.001"), "must be zero or positive, in cents"),
    (("--merchant-account", "cod"), "payment method 'cod' is not mapped"),
    (("--sync-prices",), "--price-group-id: price sync needs the PayTraq price group"),
    (("--email-via", "smtp"), "--smtp-from: sending by SMTP needs this; --smtp-host: sending"),
    (("--tax-map", "21=100012"), "--tax-map: 21%: tax key 100012 (PVN 12%) is 12%, not 21%"),
])
def test_channel_configure_refuses_a_bad_value_in_one_line(create_channel, option, message):
    # Given a channel
    channel_id = create_channel()
    # When it is configured with a malformed value
    result = invoke("channel", "configure", channel_id, *option)
    # Then one line says what is wrong, the exit is non-zero and nothing changed
    assert result.exit_code != 0
    lines = human_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    shown = json.loads(invoke("channel", "show", channel_id, "--json").stdout)["settings"]
    assert shown["payment_map"] == {} and shown["tax_map"] == {}
    assert shown["rounding_limit"] == "0.00" and shown["stock_sync"]["daily_time"] == "06:00"


@pytest.mark.parametrize("args", [
    ("channel", "configure", "{channel}", "--payment-map", "gateway"),
    ("channel", "configure", "{channel}", "--tax-map", "abc=1"),
    ("channel", "configure", "{channel}", "--daily-sync-time", "24:00"),
    ("channel", "configure", "{channel}", "--rounding-limit", "-1"),
    ("channel", "configure", "nosuchchannel", "--approve"),
    ("channel", "show", "nosuchchannel"),
])
def test_the_real_command_answers_a_bad_configure_with_one_line_and_no_traceback(
        create_channel, env, args):
    # Given a channel, and a command with a mistake in it
    args = tuple(a.format(channel=create_channel()) for a in args)
    # When the console script runs it
    result = run_script(env, *args)
    # Then exactly one human line comes out, on stderr, with a non-zero exit
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = human_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert result.stdout == ""


def test_channel_show_masks_every_secret(sandboxes, create_channel):
    # Given a channel with Mozello, PayTraq and SMTP secrets
    channel_id = create_channel()
    invoke("channel", "configure", channel_id, "--smtp-password", "smtp-secret-pw-123")
    # When it is shown, as JSON and as text
    as_json = invoke("channel", "show", channel_id, "--json").stdout
    as_text = invoke("channel", "show", channel_id).stdout
    # Then no full secret appears; the last four characters identify each
    for secret in (sandboxes.mozello.api_key, sandboxes.paytraq.api_key,
                   sandboxes.paytraq.api_token, "smtp-secret-pw-123"):
        assert secret not in as_json and secret not in as_text
    shown = json.loads(as_json)
    assert set(shown) == {"id", "name", "active", "webhook_path", "settings", "credentials"}
    assert shown["credentials"]["mozello_api_key"] == "********" + sandboxes.mozello.api_key[-4:]
    assert shown["credentials"]["smtp_password"] == "********-123"
