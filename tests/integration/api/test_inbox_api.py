"""The inbox over the JSON API: the documented item fields, filters, keyset pages, counts,
one item, process and retry — and the error answers."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from application.order_lock import ORDER_LOCK_TTL, lock_name

pytestmark = pytest.mark.integration

SUMMARY_FIELDS = {"channel_id", "order_id", "status", "received_at", "updated_at", "customer",
                  "payment_method", "payment_status", "shop_total", "currency", "paytraq_total",
                  "document_id", "reasons", "error"}  # README, "JSON output"
DETAIL_FIELDS = SUMMARY_FIELDS | {"shop_taxes", "document", "payment", "emailed_at", "emailed_to",
                                  "attempts", "reason_details", "steps", "lines"}


def test_the_inbox_lists_items_newest_first_with_the_documented_fields(api):
    # Given two orders, the first paid (processed to the end), the second not paid yet
    first = api.order(paid=True)
    second = api.order(paid=False, payment_method="banktransfer")
    # When the inbox is listed
    answer = api.get("/inbox")
    # Then both come back, newest first, each with exactly the documented fields
    assert answer.status_code == 200
    items = answer.get_json()
    assert [i["order_id"] for i in items] == [second["order_id"], first["order_id"]]
    assert all(set(i) == SUMMARY_FIELDS for i in items)
    assert [i["status"] for i in items] == ["received", "emailed"]
    assert items[1]["shop_total"] == items[1]["paytraq_total"] == f"{first['total']:.2f}"
    assert "X-Next-Cursor" not in answer.headers  # one page holds them all


def test_the_inbox_is_filtered_by_status_text_channel_and_days(api):
    # Given a paid order of Jānis and an unpaid one of Anna
    janis = api.order(paid=True, customer={"name": "Jānis Kalniņš", "email": "janis@example.lv"})
    anna = api.order(paid=False, payment_method="banktransfer")
    # Then each filter keeps only what it names
    def ids(query: str) -> list[str]:
        answer = api.get(f"/inbox?{query}")
        assert answer.status_code == 200, answer.get_json()
        return [i["order_id"] for i in answer.get_json()]

    assert ids("status=received") == [anna["order_id"]]
    assert ids("q=KALNI") == [janis["order_id"]]
    assert ids("q=janis@example") == [janis["order_id"]]
    assert ids(f"q={anna['order_id']}") == [anna["order_id"]]
    assert ids("channel=some-other-shop") == []
    assert len(ids("received_from=2000-01-01&received_to=2999-12-31")) == 2
    assert ids("received_to=2000-01-01") == []


def test_the_inbox_is_paged_with_the_cursor_of_the_page_before(api):
    # Given three orders
    placed = [api.order(paid=False, payment_method="banktransfer")["order_id"] for _ in range(3)]
    # When the inbox is read two at a time, following the cursor
    first = api.get("/inbox?limit=2")
    cursor = first.headers["X-Next-Cursor"]
    assert 'rel="next"' in first.headers["Link"]
    second = api.get("/inbox", query_string={"limit": 2, "after": cursor})
    # Then the pages hold every order once, newest first, and the last page says it is last
    pages = [i["order_id"] for i in first.get_json() + second.get_json()]
    assert pages == list(reversed(placed))
    assert "X-Next-Cursor" not in second.headers


@pytest.mark.parametrize("query, field", [
    ("limit=0", "limit"), ("limit=201", "limit"), ("limit=many", "limit"),
    ("status=lost", "status"), ("after=not-a-cursor", "after"),
    ("after=0001-01-01T00:00:00%2B05:00|shop|M-1", "after"),
    ("received_from=2026-13-01", "received_from"), ("received_to=1999-12-31", "received_to"),
    ("colour=red", "colour"),
])
def test_bad_listing_parameters_answer_400_naming_the_field(api, query, field):
    answer = api.get(f"/inbox?{query}")
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "invalid input"
    assert field in answer.get_json()["fields"]


def test_counts_per_status_follow_the_filters_and_list_every_status(api):
    # Given a finished order and two waiting for their payment
    api.order(paid=True)
    api.order(paid=False, payment_method="banktransfer")
    api.order(paid=False, payment_method="banktransfer")
    # When the counts are asked for, with and without a text filter
    everything = api.get("/inbox/counts").get_json()
    nothing = api.get("/inbox/counts?q=nobody-like-this").get_json()
    # Then they count per status, every status named
    assert everything["total"] == 3
    assert everything["counts"]["received"] == 2 and everything["counts"]["emailed"] == 1
    assert everything["counts"]["failed"] == 0
    assert nothing == {"total": 0, "counts": {s: 0 for s in everything["counts"]}}


def test_one_item_has_its_steps_lines_and_document(api):
    order = api.order(paid=True)
    answer = api.get(f"/inbox/{api.channel_id}/{order['order_id']}")
    assert answer.status_code == 200
    item = answer.get_json()
    assert DETAIL_FIELDS <= set(item)
    assert item["document"]["id"] == item["document_id"]
    assert [s["name"] for s in item["steps"]][0] == "received"
    assert item["lines"][0]["sku"] == "TT-100"


def test_an_unknown_order_or_channel_is_404(api):
    assert api.get(f"/inbox/{api.channel_id}/M-NOPE").status_code == 404
    assert api.get("/inbox/no-shop/M-1").get_json() == {"error": "no order 'M-1' in channel 'no-shop'"}
    assert api.post(f"/inbox/{api.channel_id}/M-NOPE/process").status_code == 404
    assert api.post(f"/inbox/{api.channel_id}/M-NOPE/retry").status_code == 404
    assert api.get("/no/such/endpoint").get_json()["error"]


def test_process_now_runs_an_order_that_waits_for_its_payment(api):
    # Given an unpaid bank transfer order (received: the trigger is "paid")
    order = api.order(paid=False, payment_method="banktransfer")
    # When a person processes it now
    answer = api.post(f"/inbox/{api.channel_id}/{order['order_id']}/process")
    # Then its document is created, approved and e-mailed; no payment is booked (not paid)
    assert answer.status_code == 200
    assert answer.get_json()["status"] == "emailed"
    assert answer.get_json()["payment"] is None
    assert [s.ref for s in api.paytraq.state.sales.values()] == [order["order_id"]]


def test_an_order_another_worker_holds_is_a_conflict(api):
    # Given an order that a worker is processing right now (it holds the order's lock)
    order = api.order(paid=False, payment_method="banktransfer")
    name = lock_name(api.channel_id, order["order_id"])
    assert api.runtime.order_lock.acquire(name, "worker-1", datetime.now(UTC), ORDER_LOCK_TTL)
    # When a person asks to process it, Then the answer is 409 and nothing reached PayTraq
    answer = api.post(f"/inbox/{api.channel_id}/{order['order_id']}/process")
    assert answer.status_code == 409
    assert "another worker" in answer.get_json()["error"]
    assert api.paytraq.state.sales == {}


def test_the_api_wants_the_bearer_token_when_one_is_configured(api):
    api.runtime.config = dataclasses.replace(api.runtime.config, api_token="s3cret-token")
    refused = api.get("/inbox", headers={})
    assert refused.status_code == 401 and refused.get_json()["error"]
    assert api.get("/inbox", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
