"""Stock sync and the dashboard over the JSON API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.mozello.signature import sign
from domain.inbox import InboxStatus

pytestmark = pytest.mark.integration


def test_a_sync_preview_reports_every_sku_and_writes_nothing(api):
    before = {h: dict(p.data) for h, p in api.mozello.state.products.items()}
    # When a person asks for a preview (dry run) in-process
    answer = api.post(f"/channels/{api.channel_id}/sync?dry_run=true")
    # Then its report lists each SKU's old and new stock, and Mozello is unchanged
    assert answer.status_code == 200
    run = answer.get_json()
    assert run["dry_run"] is True and run["status"] == "succeeded"
    assert run["results"] and all({"sku", "old_stock", "new_stock"} <= set(r)
                                  for r in run["results"])
    assert {h: dict(p.data) for h, p in api.mozello.state.products.items()} == before


def test_a_sync_run_is_read_again_with_its_results_only_in_its_own_channel(api):
    run = api.post(f"/channels/{api.channel_id}/sync?dry_run=1").get_json()
    # The history lists it, without results; the detail has them
    (listed,) = api.get(f"/channels/{api.channel_id}/sync").get_json()
    assert listed["id"] == run["id"] and listed["results"] == []
    detail = api.get(f"/channels/{api.channel_id}/sync/{run['id']}")
    assert detail.status_code == 200 and detail.get_json() == run
    # Another channel's path, or an unknown run, is 404
    assert api.get(f"/channels/other/sync/{run['id']}").status_code == 404
    assert api.get(f"/channels/{api.channel_id}/sync/no-such-run").status_code == 404


def test_a_sync_without_a_warehouse_is_a_conflict_with_the_reason(api):
    api.configure(warehouse_id=None)
    answer = api.post(f"/channels/{api.channel_id}/sync")
    assert answer.status_code == 409
    assert "warehouse" in answer.get_json()["error"]


def test_a_bad_sync_parameter_is_400(api):
    answer = api.post(f"/channels/{api.channel_id}/sync?dry_run=perhaps")
    assert answer.status_code == 400 and "dry_run" in answer.get_json()["fields"]


def test_the_dashboard_counts_todays_orders_review_items_calls_webhooks_and_syncs(api):
    # Given a finished order, one needing review (no money account for cod), a signed
    # webhook and a sync preview
    api.order(paid=True)
    review = api.order(paid=True, payment_method="cod")
    body = b'{"event":"PRODUCT_CHANGED","product":{"handle":"uid-1","sku":"A-1","stock":3}}'
    webhook = api.client.post(f"/webhooks/mozello/{api.channel_id}", data=body,
                              headers={"X-Mozello-Hash": sign(body, api.mozello.api_key)})
    assert webhook.status_code == 200
    run = api.post(f"/channels/{api.channel_id}/sync?dry_run=1").get_json()
    api.runtime.gateways.flush_audit()
    # When the dashboard is read
    answer = api.get("/dashboard?days=3")
    assert answer.status_code == 200
    board = answer.get_json()
    # Then today's counts, the review item, the PayTraq calls and the channel's health show
    assert len(board["days"]) == 3
    assert board["days"][-1]["counts"][InboxStatus.EMAILED.value] == 1
    assert board["days"][-1]["counts"][InboxStatus.NEEDS_REVIEW.value] == 1
    assert board["needs_review"] == 1
    assert [i["order_id"] for i in board["review_items"]] == [review["order_id"]]
    assert board["paytraq_calls"]["daily_budget"] == 5000
    assert board["paytraq_calls"]["used_today"] == board["paytraq_calls"]["last_hour"] > 0
    (channel,) = board["channels"]
    assert channel["paytraq_calls_today"] == board["paytraq_calls"]["used_today"]
    assert channel["last_webhook_at"][:10] == datetime.now(UTC).date().isoformat()
    assert channel["last_sync"]["id"] == run["id"]


def test_the_dashboard_refuses_an_unreasonable_number_of_days(api):
    assert api.get("/dashboard?days=0").status_code == 400
    assert api.get("/dashboard?days=1000").status_code == 400
