"""`sales-inbox sync CHANNEL_ID [--dry-run] [--json]`: the "Sinhronizēt" button on the CLI."""

from __future__ import annotations

import json

from tests.integration.cli.conftest import SANDBOX_OPTIONS, human_lines, invoke, run_script


def mozello_stock(sandboxes, sku: str):
    for record in sandboxes.mozello.state.products.values():
        if record.data.get("sku") == sku:
            return record.data.get("stock")
    raise KeyError(sku)


def paytraq_stock(sandboxes, code: str) -> int:
    product = next(p for p in sandboxes.paytraq.state.products.values() if p.code == code)
    return int(product.stock["1"])


def configured_channel(create_channel, *extra: str) -> str:
    channel_id = create_channel()
    assert invoke("channel", "configure", channel_id, *SANDBOX_OPTIONS, *extra).exit_code == 0
    return channel_id


def test_a_dry_run_lists_what_would_change_and_writes_nothing(sandboxes, fast_cli, create_channel):
    # Given a channel whose Mozello stock differs from PayTraq's for some SKUs
    channel_id = configured_channel(create_channel)
    before = mozello_stock(sandboxes, "TT-100")
    # When a dry run is asked for as JSON
    result = invoke("sync", channel_id, "--dry-run", "--json")
    # Then it reports the would-be writes, and Mozello is untouched
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)
    assert run["dry_run"] is True and run["status"] == "succeeded"
    would = {r["sku"]: r for r in run["results"] if r["action"] == "would_update"}
    assert would["TT-100"]["new_stock"] == paytraq_stock(sandboxes, "TT-100")
    assert mozello_stock(sandboxes, "TT-100") == before
    assert run["summary"]["missing_in_paytraq"] >= 1  # the gift card GC-25


def test_a_sync_writes_paytraq_stock_and_prices_and_prints_a_summary(sandboxes, fast_cli,
                                                                    create_channel):
    channel_id = configured_channel(create_channel, "--sync-prices", "--price-group-id", "1476")
    result = invoke("sync", channel_id)
    assert result.exit_code == 0, result.output
    assert "stock sync: succeeded" in result.stdout
    assert "updated" in result.stdout and "missing in paytraq" in result.stdout
    assert mozello_stock(sandboxes, "TT-100") == paytraq_stock(sandboxes, "TT-100")
    # and a second run has nothing left to write
    again = json.loads(invoke("sync", channel_id, "--json").stdout)
    assert again["summary"].get("updated", 0) == 0


def test_sync_of_an_unknown_channel_is_one_clear_line(env):
    result = run_script(env, "sync", "no-such-channel")
    assert result.returncode != 0
    assert human_lines(result.stderr) == ["error: no channel 'no-such-channel'"]
