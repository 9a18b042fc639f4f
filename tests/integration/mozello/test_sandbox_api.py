"""The sandbox answers as spec §7 describes Mozello: envelopes, pages, filters, partial PUTs,
variant replacement and order updates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.integration.mozello.conftest import API_KEY

pytestmark = pytest.mark.integration


def call(sandbox, method: str, path: str, key: str = API_KEY, **kwargs) -> requests.Response:
    return requests.request(method, sandbox.base_url + path, timeout=5,
                            headers={"Authorization": f"ApiKey {key}"}, **kwargs)


def test_a_missing_or_wrong_key_gets_the_401_envelope(sandbox):
    answer = call(sandbox, "GET", "store/products/", key="MZL-wrong")
    assert answer.status_code == 401
    assert answer.json() == {"error": True, "error_code": 401, "error_message": "Unauthorized"}
    assert requests.get(sandbox.base_url + "store/products/", timeout=5).status_code == 401


def test_an_unknown_product_gets_the_404_envelope(sandbox):
    answer = call(sandbox, "GET", "store/product/uid-404/")
    assert answer.status_code == 404 and answer.json()["error"] is True


def test_get_product_is_wrapped_by_default_and_bare_when_switched(sandbox):
    assert set(call(sandbox, "GET", "store/product/uid-5102234/").json()) == {"error", "product"}
    sandbox.state.wrap_responses = False
    assert call(sandbox, "GET", "store/product/uid-5102234/").json()["handle"] == "uid-5102234"


def test_pages_follow_the_id_cursor_and_desc_reverses_the_order(sandbox):
    first = call(sandbox, "GET", "store/products/", params={"page_size": 3}).json()
    assert len(first["products"]) == 3 and first["next_page_uri"].startswith("/store/products/?")
    second = requests.get(sandbox.base_url.removesuffix("/v1/") + "/v1" + first["next_page_uri"],
                          headers={"Authorization": f"ApiKey {API_KEY}"}, timeout=5).json()
    assert len(second["products"]) == 1 and "next_page_uri" not in second
    newest_first = call(sandbox, "GET", "store/products/", params={"desc": 1}).json()
    handles = [p["handle"] for p in first["products"] + second["products"]]
    assert [p["handle"] for p in newest_first["products"]] == handles[::-1]


def test_repeated_filters_are_anded_and_archived_filters_orders(sandbox):
    # Given orders on three days, the last one dispatched (hence archived)
    day = datetime(2026, 1, 10, 12, 0, 0, tzinfo=UTC)
    ids = []
    for offset in range(3):
        sandbox.state.clock = lambda offset=offset: day + timedelta(days=offset)
        ids.append(sandbox.place_order([("TT-100", 1)])["order_id"])
    sandbox.storefront.dispatch(ids[2])

    def listed(**params):
        answer = call(sandbox, "GET", "store/orders/", params=params).json()
        return [order["order_id"] for order in answer["orders"]]

    # Then
    assert listed(filter=["created_at>=2026-01-11 00:00:00", "created_at<2026-01-12 00:00:00"]) == [ids[1]]
    assert listed(filter="created_at<>2026-01-11 12:00:00") == [ids[0], ids[2]]
    assert listed(filter="created_at=2026-01-10 12:00:00") == [ids[0]]
    assert listed(filter="created_at>2026-01-10 12:00:00") == ids[1:]
    assert listed(filter="created_at<=2026-01-11 12:00:00") == ids[:2]
    assert listed(archived="false") == ids[:2]
    assert listed(archived="true") == [ids[2]]


def test_a_filter_on_an_unknown_field_is_refused(sandbox):
    assert call(sandbox, "GET", "store/orders/", params={"filter": "total>1"}).status_code == 400


def test_product_put_is_partial_and_honours_text_update_mode(sandbox):
    path = "store/product/uid-5102234/"
    call(sandbox, "PUT", path, json={"product": {"title": {"en": "Tea towel"}},
                                     "options": {"text_update_mode": "merge"}})
    product = call(sandbox, "GET", path).json()["product"]
    assert product["title"] == {"en": "Tea towel", "lv": "Lina dvielis"}
    assert product["stock"] == 40 and product["sku"] == "TT-100"
    call(sandbox, "PUT", path, json={"product": {"title": {"en": "Towel"}}})
    assert call(sandbox, "GET", path).json()["product"]["title"] == {"en": "Towel"}


def test_a_variants_array_replaces_the_variant_set(sandbox):
    # Given the sweater's three variants; when an update sends one known and one new variant
    path = "store/product/uid-5102301/"
    call(sandbox, "PUT", path, json={"product": {"variants": [
        {"variant_handle": "uid-2051", "sku": "SW-200-BL-M", "stock": 1},
        {"sku": "SW-200-RD-M", "stock": 2},
    ]}})
    variants = call(sandbox, "GET", path).json()["product"]["variants"]
    # Then the omitted variants are gone, the known one lost what was not sent, the new one is new
    assert [v["sku"] for v in variants] == ["SW-200-BL-M", "SW-200-RD-M"]
    assert variants[0]["variant_handle"] == "uid-2051"
    assert variants[0]["option_value_handle1"] is None
    assert variants[1]["variant_handle"].startswith("uid-")
    assert [v["variant_no"] for v in variants] == [1, 2]


def test_batch_update_by_sku_over_1000_items_is_refused(sandbox):
    items = [{"sku": "TT-100", "stock": 1}] * 1001
    answer = call(sandbox, "POST", "store/products/batch_update_by_sku/", json={"products": items})
    assert answer.status_code == 400 and "1000" in answer.json()["error_message"]


def test_order_put_dispatched_forces_archived_and_fires_the_events(sandbox):
    order_id = sandbox.place_order([("TT-100", 1)])["order_id"]
    sandbox.state.events.clear()
    call(sandbox, "PUT", f"store/order/{order_id}/",
         json={"order": {"payment_status": "paid", "dispatched": True,
                         "shipping_tracking_code": "CE473829104EE", "total": 1}})
    order = call(sandbox, "GET", f"store/order/{order_id}/").json()["order"]
    assert (order["payment_status"], order["dispatched"], order["archived"]) == ("paid", True, True)
    assert order["shipping_tracking_code"] == "CE473829104EE"
    assert order["total"] != 1  # not writable
    assert [event for event, _ in sandbox.state.events] == ["PAYMENT_CHANGED", "DISPATCH_CHANGED"]


def test_an_unknown_payment_status_is_refused(sandbox):
    order_id = sandbox.place_order([("TT-100", 1)])["order_id"]
    answer = call(sandbox, "PUT", f"store/order/{order_id}/",
                  json={"order": {"payment_status": "refunded"}})
    assert answer.status_code == 400


def test_notifications_refuse_unknown_events(sandbox):
    answer = call(sandbox, "PUT", "store/notifications/",
                  json={"notifications_url": "https://x.example", "notifications_wanted": ["X"]})
    assert answer.status_code == 400


def test_product_create_and_delete(sandbox):
    created = call(sandbox, "POST", "store/product/",
                   json={"product": {"handle": "book-5", "title": "Book", "price": 11}})
    assert created.json()["product"]["title"] == {"en": "Book"}
    assert call(sandbox, "DELETE", "store/product/book-5/").json() == {"error": False}
    assert call(sandbox, "GET", "store/product/book-5/").status_code == 404


def test_the_sandbox_storefront_places_an_order_over_http(sandbox):
    answer = requests.post(sandbox.base_url.removesuffix("v1/") + "sandbox/orders/", timeout=5,
                           json={"items": [["TT-100", 2]], "paid": True})
    order = answer.json()["order"]
    assert (order["payment_status"], order["total"]) == ("paid", 48.4)


def test_the_seed_shop_loads_with_variants_and_an_untracked_product():
    from adapters.mozello.sandbox.server import SEED_PATH, MozelloSandbox

    state = MozelloSandbox(seed_path=SEED_PATH).state
    products = [record.data for record in state.products.values()]
    assert 10 <= len(products) <= 20
    assert sum(1 for p in products if p["variants"]) == 2
    assert any(p["stock"] is None and not p["variants"] for p in products)
    assert (state.currency, state.vat_rate) == ("EUR", 21)
