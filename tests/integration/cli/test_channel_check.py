"""`sales-inbox channel check`: read-only checks of both APIs, the write test in each PayTraq
dialect, a table saying what the service will do, and a non-zero exit when something automatic
processing needs does not work."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from adapters.paytraq.sandbox.dialect import WireDialect
from adapters.paytraq.sandbox.state import Client, Sale
from entrypoints.runtime import get_runtime
from tests.integration.cli.conftest import SANDBOX_OPTIONS, invoke

DIALECTS = {
    "lenient": (WireDialect(), {"sale_root": "Sale", "payment_form": "amount"}),
    "data_root_date_paid": (WireDialect.strict("Data", "DatePaid", "Amount"),
                            {"sale_root": "Data", "payment_form": "date_paid"}),
    "sale_root_payment_amount": (WireDialect.strict("Sale", "PaymentDate", "PaymentAmount"),
                                 {"sale_root": "Sale", "payment_form": "payment_amount"}),
}


def configured(create_channel, *extra: str) -> str:
    channel_id = create_channel()
    assert invoke("channel", "configure", channel_id, *SANDBOX_OPTIONS, *extra).exit_code == 0
    return channel_id


def checks(report: dict) -> dict[str, dict]:
    return {line["check"]: line for line in report["checks"]}


def test_a_configured_channel_passes_the_read_only_check(sandboxes, create_channel):
    # Given a configured channel and PayTraq clients known by e-mail, reg. no. and VAT no.
    # (one without a VAT number, whose registration number only its own field holds)
    sandboxes.paytraq.state.create_client(Client("", "Koks SIA", "koks@example.lv", 2,
                                                 "40003000001", "LV40003000001"))
    sandboxes.paytraq.state.create_client(Client("", "Vecais SIA", "", 2, "40003000002"))
    channel_id = configured(create_channel)
    # When the channel is checked
    result = invoke("channel", "check", channel_id, "--json")
    # Then every check passes or is skipped with its reason, and the exit code is 0
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["ok"] is True
    lines = checks(report)
    for name in ("PayTraq: API key and token", "PayTraq: tax keys and their rates",
                 "PayTraq: client found by registration number", "Mozello: API key",
                 "Mozello: notifications to this service",
                 "Mozello: orders listing as the catch-up poll asks",
                 "PayTraq: products with stock in the warehouse"):
        assert lines[name]["result"] == "ok", lines[name]
    assert lines["PayTraq: sale found by DocumentRef"]["result"] == "skipped"
    # and what clients?query= matches is remembered: a new buyer costs one search
    assert report["client_query"]["shown"] == {"reg": True, "vat": True, "email": True}
    searches = lines["PayTraq: client searches for a new buyer"]
    assert searches["result"] == "ok"
    assert "a company (reg. no., VAT no., e-mail) 1 search (registration number)" in searches[
        "detail"]
    # and, with no write test run yet, every document is still read back after it is created
    kept = lines["PayTraq: documents kept as sent (write test)"]
    assert kept["result"] == "skipped" and "read back" in kept["detail"]


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_the_write_test_learns_the_shapes_of_each_dialect_and_leaves_nothing_behind(
        sandboxes, create_channel, dialect):
    # Given a PayTraq that takes one shape of each write (or any, when lenient)
    wire, learned = DIALECTS[dialect]
    sandboxes.paytraq.state.dialect = wire
    channel_id = configured(create_channel)
    # When the channel is checked with the write and payment tests
    result = invoke("channel", "check", channel_id, "--write-test", "--payment-test", "--json")
    # Then every element read back as sent, both test documents are voided,
    report = json.loads(result.stdout)
    assert result.exit_code == 0, report
    lines = checks(report)
    compared = [name for name in lines if name.startswith("write test: ")]
    assert len(compared) >= 10 and all(lines[n]["result"] == "ok" for n in compared), lines
    assert {s.status for s in sandboxes.paytraq.state.sales.values()} == {"voided"}
    # and the shapes that worked are remembered for the channel and shown
    assert report["write_dialect"] == learned
    assert lines["PayTraq: write shapes remembered for this channel"]["result"] == "ok"
    again = json.loads(invoke("channel", "check", channel_id, "--json").stdout)
    assert again["write_dialect"] == learned
    # and that PayTraq keeps documents as sent is remembered: a created document whose
    # prediction equals the shop's total is no longer read back
    kept = checks(again)["PayTraq: documents kept as sent (write test)"]
    assert kept["result"] == "ok" and "not read back" in kept["detail"]


def test_a_sale_ref_that_query_misses_is_a_warning_when_the_date_listing_finds_it(
        sandboxes, create_channel):
    # Given a PayTraq whose sales?query= ignores DocumentRef, holding the write test's documents
    sandboxes.paytraq.state.dialect = WireDialect.strict()
    channel_id = configured(create_channel)
    invoke("channel", "check", channel_id, "--write-test")
    # When the channel is checked again
    result = invoke("channel", "check", channel_id, "--json")
    # Then the look-up by DocumentRef is a warning that says what the service does instead
    line = checks(json.loads(result.stdout))["PayTraq: sale found by DocumentRef"]
    assert result.exit_code == 0
    assert line["result"] == "warning" and "document date" in line["action"]


def test_what_the_client_search_matches_is_shown_remembered_and_kept_until_shown_again(
        sandboxes, create_channel):
    # Given a PayTraq without clients: nothing to show the search on
    channel_id = configured(create_channel)
    table = invoke("channel", "check", channel_id).stdout
    # Then the table says a new buyer's keys are each searched in turn
    row = next(line for line in table.splitlines() if "client searches for a new buyer" in line)
    assert "skip" in row and "3 searches" in row
    assert "→ each of the buyer's keys is searched in turn" in table
    # When PayTraq (searching names and e-mails only) has clients, and the check runs again
    sandboxes.paytraq.state.dialect = replace(WireDialect(), client_query="name_email")
    sandboxes.paytraq.state.create_client(Client("", "Vecais SIA", "birojs@vecais.lv", 2,
                                                 "40003000002", "LV40003000002"))
    report = json.loads(invoke("channel", "check", channel_id, "--json").stdout)
    # Then the numbers are shown not to match, the e-mail to match: one search by e-mail
    assert report["client_query"]["shown"] == {"reg": False, "vat": False, "email": True}
    line = checks(report)["PayTraq: client searches for a new buyer"]
    assert line["result"] == "ok" and "1 search (e-mail)" in line["detail"]
    # and when the clients are gone, the next check keeps what was shown
    sandboxes.paytraq.state.clients.clear()
    again = json.loads(invoke("channel", "check", channel_id, "--json").stdout)
    assert again["client_query"]["shown"] == report["client_query"]["shown"]


def test_a_wrong_tax_mapping_fails_the_check_with_what_to_do(sandboxes, create_channel):
    # Given 21 % mapped to the 12 % tax key (`channel configure` refuses such a mapping, so it
    # got there before: PayTraq's key changed its rate after the channel was configured)
    channel_id = configured(create_channel)
    with get_runtime().uow_factory() as uow:
        channel = uow.channels.get(channel_id)
        wrong = replace(channel.settings, tax_keys=((Decimal("21"), "100012"),))
        uow.channels.update(replace(channel, settings=wrong))
        uow.commit()
    # When the channel is checked (as a person reads it)
    result = invoke("channel", "check", channel_id)
    # Then the exit code is 1 and the table names the line and what to do
    assert result.exit_code == 1
    row = next(line for line in result.stdout.splitlines() if "tax keys and their rates" in line)
    assert "FAILED" in row and "21% → 100012" in row
    assert "→ orders at these rates are refused or mismatch: fix --tax-map" in result.stdout
    assert "check(s) that automatic processing needs failed" in result.stdout


def test_notifications_sent_elsewhere_fail_the_check(sandboxes, create_channel):
    # Given Mozello notifying another URL
    channel_id = configured(create_channel)
    sandboxes.mozello.state.notifications_url = "https://elsewhere.example/hook"
    # When checked, Then the notification line fails and the exit code is 1
    result = invoke("channel", "check", channel_id, "--json")
    line = checks(json.loads(result.stdout))["Mozello: notifications to this service"]
    assert result.exit_code == 1
    assert line["result"] == "failed" and "elsewhere.example" in line["detail"]


def test_a_connect_channel_is_configured_with_its_url_masked_and_checked(sandboxes, create_channel):
    # Given a configured channel
    channel_id = configured(create_channel)
    # When it is switched to PayTraq Connect without a URL, Then it is refused in one line
    refused = invoke("channel", "configure", channel_id, "--paytraq-transport", "connect")
    assert refused.exit_code == 1
    # When the URL is given
    shown = json.loads(invoke("channel", "configure", channel_id, "--paytraq-transport", "connect",
                              "--paytraq-connect-url", sandboxes.paytraq.connect_url,
                              "--json").stdout)
    # Then the channel shows the transport, and the URL without its channel number
    assert shown["settings"]["paytraq_transport"] == "connect"
    assert "900000000000000001" not in shown["credentials"]["paytraq_connect_url"]
    # and the check names the transport and what the service does with REST credentials too
    result = invoke("channel", "check", channel_id, "--json")
    line = checks(json.loads(result.stdout))["PayTraq: transport"]
    assert result.exit_code == 0 and "PayTraq Connect" in line["detail"]
    assert "read back" in line["detail"]


def sales_query_shown(channel_id: str):
    with get_runtime().uow_factory() as uow:
        return uow.write_dialects.sales_query_shown_since(channel_id)


def test_whether_sales_query_finds_a_document_ref_is_remembered_and_withdrawn(
        sandboxes, create_channel):
    # Given a PayTraq whose sales?query= matches DocumentRef, holding a sale with one
    channel_id = configured(create_channel)
    invoke("channel", "check", channel_id, "--write-test")
    # When the channel is checked
    line = checks(json.loads(invoke("channel", "check", channel_id, "--json").stdout))[
        "PayTraq: sale found by DocumentRef"]
    # Then it is shown, and remembered: after a lost answer one search settles it
    assert line["result"] == "ok" and "one search" in line["action"]
    assert sales_query_shown(channel_id) is not None
    # When PayTraq's search stops matching DocumentRef and the channel is checked again
    sandboxes.paytraq.state.dialect = replace(sandboxes.paytraq.state.dialect,
                                              query_matches_ref=False)
    line = checks(json.loads(invoke("channel", "check", channel_id, "--json").stdout))[
        "PayTraq: sale found by DocumentRef"]
    # Then the proof is withdrawn: a miss there is no longer taken as conclusive
    assert line["result"] == "warning"
    assert sales_query_shown(channel_id) is None


def test_a_sale_the_service_did_not_make_shows_the_search_but_proves_nothing_for_it(
        sandboxes, create_channel):
    # Given a company whose only sale with a reference was entered by hand (its reference
    # might be matched by another of its fields)
    state = sandboxes.paytraq.state
    client = state.create_client(Client("", "Vecais SIA", "", 2, "40003000002"))
    with state.lock:
        state.sales["777"] = Sale(id="777", ref="HAND-1", date="2026-12-01", client_id=client,
                                  sale_type="sales_invoice", operation="sell_goods")
    channel_id = configured(create_channel)
    # When the channel is checked
    line = checks(json.loads(invoke("channel", "check", channel_id, "--json").stdout))[
        "PayTraq: sale found by DocumentRef"]
    # Then the search is shown to work, but a miss is not made conclusive on that evidence
    assert line["result"] == "ok" and "did not make" in line["detail"]
    assert sales_query_shown(channel_id) is None
