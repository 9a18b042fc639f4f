"""`sales-inbox inbox list | show | process | retry` over orders that reached the inbox through
Mozello's signed webhook; `--json` carries the field names documented in README "JSON output"."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.integration.cli.conftest import SANDBOX_OPTIONS, human_lines, invoke, run_script

SUMMARY_FIELDS = {"channel_id", "order_id", "status", "received_at", "updated_at", "customer",
                  "payment_method", "payment_status", "shop_total", "currency", "paytraq_total",
                  "document_id", "reasons", "error"}
DETAIL_FIELDS = SUMMARY_FIELDS | {"shop_taxes", "document", "payment", "emailed_at", "emailed_to",
                                  "attempts", "reason_details", "steps", "lines"}


@pytest.fixture
def shop(sandboxes, receiver, fast_cli, create_channel):
    """A channel configured like the sandbox channel, automatic processing off, whose Mozello
    webhooks reach the test's web app."""
    channel_id = create_channel()
    assert invoke("channel", "configure", channel_id, *SANDBOX_OPTIONS).exit_code == 0
    sandboxes.channel_id = channel_id
    return sandboxes


def deliver(shop, items, **options) -> dict:
    """A buyer orders in the Mozello sandbox; its notifications reach Sales Inbox now."""
    order = shop.mozello.place_order(items, **options)
    assert shop.mozello.flush() >= 1
    return order


def sales(shop, order_id):
    return [s for s in shop.paytraq.state.sales.values() if s.ref == order_id]


def test_inbox_list_shows_a_webhook_order_with_the_documented_json_fields(shop):
    # Given a paid order delivered by Mozello's webhook (automatic processing off)
    order = deliver(shop, [("TT-100", 2)], paid=True)
    # When the inbox is listed as JSON
    result = invoke("inbox", "list", "--json")
    # Then the order is there, received, with every documented field
    assert result.exit_code == 0
    (item,) = json.loads(result.stdout)
    assert SUMMARY_FIELDS <= set(item)
    assert (item["order_id"], item["channel_id"], item["status"]) == (
        order["order_id"], shop.channel_id, "received")
    assert (item["shop_total"], item["currency"], item["payment_status"]) == (
        "48.40", "EUR", "paid")
    assert item["document_id"] is None and item["paytraq_total"] is None


def test_inbox_list_filters_by_channel_and_status_and_prints_a_table(shop):
    # Given one received order
    order = deliver(shop, [("TT-100", 1)], paid=True)
    # When it is listed by status, by channel and as text
    received = json.loads(invoke("inbox", "list", "--status", "received", "--json").stdout)
    failed = json.loads(invoke("inbox", "list", "--status", "failed", "--json").stdout)
    by_channel = json.loads(invoke("inbox", "list", "--channel", shop.channel_id,
                                   "--json").stdout)
    text = invoke("inbox", "list").stdout
    # Then the filters hold and the table names the order
    assert [i["order_id"] for i in received] == [order["order_id"]] == [
        i["order_id"] for i in by_channel]
    assert failed == []
    assert order["order_id"] in text and "received" in text


def test_inbox_process_turns_a_received_order_into_an_emailed_sales_order(shop):
    # Given a paid order waiting in the inbox
    order = deliver(shop, [("TT-100", 2)], paid=True, payment_method="gateway")
    # When a person processes it
    result = invoke("inbox", "process", order["order_id"])
    # Then the whole flow ran: approved sales order, overpayment, e-mail
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{order['order_id']}: emailed"
    (sale,) = sales(shop, order["order_id"])
    assert (sale.sale_type, sale.status) == ("sales_order", "in_process")
    assert shop.paytraq.state.totals(sale).total == Decimal("48.40")
    assert [m.to for m in sale.messages] == ["anna@example.com"]


def test_inbox_show_json_adds_the_documented_detail_fields(shop):
    # Given a processed order
    order = deliver(shop, [("TT-100", 1)], paid=True)
    invoke("inbox", "process", order["order_id"])
    # When it is shown as JSON and as text
    detail = json.loads(invoke("inbox", "show", order["order_id"], "--json").stdout)
    text = invoke("inbox", "show", order["order_id"]).stdout
    # Then the detail has every documented field, with two-decimal amounts and every step
    assert DETAIL_FIELDS <= set(detail)
    assert (detail["status"], detail["shop_total"], detail["paytraq_total"]) == (
        "emailed", "24.20", "24.20")
    assert detail["shop_taxes"] == "4.20"
    assert detail["document"]["total"] == "24.20" and detail["payment"]["amount"] == "24.20"
    assert detail["lines"][0]["unit_price"] == "24.20"
    assert detail["emailed_to"] == "anna@example.com"
    assert detail["document"]["id"] == detail["document_id"] == sales(shop, order["order_id"])[0].id
    assert [line["sku"] for line in detail["lines"]] == ["TT-100"]
    assert {s["name"] for s in detail["steps"]} >= {"received"}
    assert all(set(s) == {"name", "at", "detail"} for s in detail["steps"])
    assert "Aizsūtīts pa e-pastu" in text and detail["document_id"] in text


def test_inbox_process_of_an_unknown_sku_says_why_and_exits_non_zero(shop):
    # Given a paid order for a gift card that is no PayTraq product
    order = deliver(shop, [("GC-25", 1)], paid=True)
    # When a person processes it
    result = invoke("inbox", "process", order["order_id"])
    # Then it needs review, no document was made, and the reason names the SKU
    assert result.exit_code == 3
    assert f"{order['order_id']}: needs_review" in result.stdout
    assert "SKU GC-25" in result.stdout
    assert sales(shop, order["order_id"]) == []
    detail = json.loads(invoke("inbox", "show", order["order_id"], "--json").stdout)
    assert [r["code"] for r in detail["reason_details"]] == ["unknown_sku"]


def test_inbox_retry_finishes_an_order_that_failed(shop):
    # Given automatic processing, and PayTraq refusing the next document (with a bare 400, in
    # both roots a channel that has not learned its root tries)
    invoke("channel", "configure", shop.channel_id, "--auto-process")
    shop.paytraq.controls.inject("POST", "sale", "error", status=400, times=2)
    order = deliver(shop, [("TT-100", 1)], paid=True)
    failed = json.loads(invoke("inbox", "list", "--status", "failed", "--json").stdout)
    assert [i["order_id"] for i in failed] == [order["order_id"]]
    assert failed[0]["error"]
    # When a person retries it
    result = invoke("inbox", "retry", order["order_id"])
    # Then it went through, with one document
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{order['order_id']}: emailed"
    assert len(sales(shop, order["order_id"])) == 1


def test_inbox_retry_all_failed_retries_each_failed_order_once(shop):
    # Given two orders that failed on PayTraq (a bare 400 to each root), and one that went
    # through
    invoke("channel", "configure", shop.channel_id, "--auto-process")
    shop.paytraq.controls.inject("POST", "sale", "error", status=400, times=4)
    first = deliver(shop, [("TT-100", 1)], paid=True)
    second = deliver(shop, [("LN-204", 1)], paid=True)
    fine = deliver(shop, [("WS-01", 1)], paid=True)
    # When every failed order is retried
    result = invoke("inbox", "retry", "--all-failed")
    # Then exactly the two failed ones were retried and are done
    assert result.exit_code == 0
    assert sorted(result.stdout.split("\n")[:-1]) == [
        f"{first['order_id']}: emailed", f"{second['order_id']}: emailed"]
    assert all(len(sales(shop, o["order_id"])) == 1 for o in (first, second, fine))


def test_an_unknown_order_is_one_clear_error(shop):
    # Given an inbox without order M-0
    # When a person asks for it
    shown = invoke("inbox", "show", "M-0")
    processed = invoke("inbox", "process", "M-0")
    retried = invoke("inbox", "retry", "M-0")
    # Then each command says so in one line and exits non-zero
    for result in (shown, processed, retried):
        assert result.exit_code == 1
        assert human_lines(result.stderr) == ["error: no order 'M-0' in the inbox"]


@pytest.mark.parametrize(("args", "message"), [
    (("inbox", "show", "M-0"), "error: no order 'M-0' in the inbox"),
    (("inbox", "process", "M-0", "--channel", "nosuchchannel"),
     "error: no order 'M-0' in the inbox"),
    (("inbox", "retry"), "error: give an ORDER_ID or --all-failed"),
    (("inbox", "list", "--channel", "nosuchchannel"), "error: no channel 'nosuchchannel'"),
])
def test_the_real_inbox_command_answers_a_mistake_with_one_line_and_no_traceback(
        env, args, message):
    # Given an empty inbox
    # When the console script is asked for something that is not there
    result = run_script(env, *args)
    # Then one line, on stderr, a non-zero exit and no traceback
    assert result.returncode == 1
    assert human_lines(result.stderr) == [message]
    assert "Traceback" not in result.stderr + result.stdout
