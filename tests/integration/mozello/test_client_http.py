"""MozelloClient over real HTTP against the sandbox: pages, retries, blocks, timeouts, secrecy."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import structlog
from structlog.testing import capture_logs

from adapters.mozello.api import MozelloClient
from adapters.mozello.transport import RetryPolicy, Timeouts
from adapters.sandbox_wsgi import serve_in_thread
from application.errors import AuthenticationFailed, NotFound, PermanentError, TransientError
from application.ports import SkuUpdate, VariantUpdate
from tests.integration.mozello.conftest import API_KEY, client_for

pytestmark = pytest.mark.integration


def add_products(sandbox, count: int) -> None:
    for n in range(count):
        sandbox.state.create_product({"handle": f"bulk-{n}", "sku": f"BULK-{n}", "price": 1,
                                      "stock": n})


# --- pagination -----------------------------------------------------------------------------


@pytest.mark.parametrize("link_name", ["next_page_uri", "next_page_link"])
def test_list_products_follows_the_next_page_link_to_the_last_page(sandbox, link_name):
    # Given 254 products (4 seeded + 250) and a shop naming its link `link_name`
    add_products(sandbox, 250)
    sandbox.state.next_page_key = link_name
    client = client_for(sandbox)
    # When the client lists them
    handles = [product.handle for product in client.list_products()]
    # Then it read three pages of 100 and got each product once
    assert len(handles) == 254 == len(set(handles))
    assert client.calls_made == 3
    queries = [call.query for call in sandbox.state.calls]
    assert queries[0] == "page_size=100"
    assert queries[1] == "page_size=100&page_start=id:" + queries[1].rsplit(":", 1)[1]


def test_orders_created_since_sends_a_url_encoded_created_at_filter_and_reads_all_pages(sandbox):
    sandbox.state.clock = lambda: datetime(2026, 1, 12, 8, 0, 0, tzinfo=UTC)
    for _ in range(3):
        sandbox.place_order([("TT-100", 1)])
    client = client_for(sandbox)
    orders = list(client.orders_created_since(datetime(2026, 1, 11, 8, 0, 0, tzinfo=UTC)))
    assert len(orders) == 3
    assert sandbox.state.calls[0].query == (
        "page_size=100&filter=created_at%3E%3D2026-01-11+08%3A00%3A00")


# --- retries and blocks ---------------------------------------------------------------------


def test_a_get_that_meets_two_server_errors_is_retried_until_it_succeeds(sandbox):
    # Given Mozello answers 503 twice
    sandbox.state.inject_fault(503, times=2, method="GET")
    client = client_for(sandbox)
    # When the client reads a product
    product = client.get_product("uid-5102234")
    # Then it got it on the third try
    assert product.sku == "TT-100"
    assert client.calls_made == 3


def test_a_get_that_keeps_failing_ends_in_a_transient_error(sandbox):
    sandbox.state.inject_fault(500, times=10, method="GET")
    client = client_for(sandbox)
    with pytest.raises(TransientError, match="HTTP 500"):
        client.get_product("uid-5102234")
    assert client.calls_made == 3  # FAST_RETRY.attempts


def test_the_absolute_batch_update_is_retried_after_a_server_error(sandbox):
    sandbox.state.inject_fault(502, times=1, method="POST")
    client = client_for(sandbox)
    client.update_by_sku([SkuUpdate("TT-100", stock=5)])
    assert client.get_product("uid-5102234").stock == 5


def test_a_non_idempotent_call_is_not_retried_after_a_server_error(sandbox):
    sandbox.state.inject_fault(500, times=1, method="POST")
    client = client_for(sandbox)
    with pytest.raises(TransientError):
        client.transport.request("POST", "store/product/", body={"product": {"handle": "x"}},
                                 idempotent=False)
    assert client.calls_made == 1


def test_a_403_block_after_a_burst_is_waited_out_and_the_call_succeeds(sandbox):
    # Given a shop that blocks after 3 calls in a minute, for 0.2 s
    policy = sandbox.state.rate_limit
    policy.enabled, policy.per_minute, policy.block_seconds = True, 3, 0.2
    client = client_for(sandbox, retry=RetryPolicy(attempts=2, blocked_waits=(0.1, 0.2, 0.4)))
    # When the client makes a fourth call
    for _ in range(4):
        client.get_product("uid-5102234")
    # Then it met a 403 on the way, backed off, and still succeeded
    statuses = [call.status for call in sandbox.state.calls]
    assert 403 in statuses and statuses[-1] == 200


def test_a_block_that_persists_ends_in_a_transient_error_with_a_retry_hint(sandbox):
    policy = sandbox.state.rate_limit
    policy.enabled, policy.per_minute, policy.block_seconds = True, 1, 60
    client = client_for(sandbox)
    client.validate_key()
    with pytest.raises(TransientError, match="403") as caught:
        client.validate_key()
    assert caught.value.retry_after == 60.0


def test_the_default_client_limits_never_trip_the_sandboxs_default_rate_limit(sandbox):
    sandbox.state.rate_limit.enabled = True
    client = client_for(sandbox, limiters=None)  # TokenBucket 5/s + 300/min
    for _ in range(12):
        client.validate_key()
    assert all(call.status == 200 for call in sandbox.state.calls)


def test_a_read_timeout_is_retried_for_a_get(sandbox):
    # the first answer comes a second after the client gave up on it; the retry's answer has
    # the whole read timeout, as much as a loaded CI machine may need
    sandbox.state.inject_fault(delay=2.0, times=1, method="GET")
    client = client_for(sandbox, timeouts=Timeouts(connect=1, read=1.0))
    assert client.get_product("uid-5102234").sku == "TT-100"
    assert client.calls_made == 2


def test_persistent_timeouts_end_in_a_transient_error(sandbox):
    sandbox.state.inject_fault(delay=0.4, times=3, method="GET")
    client = client_for(sandbox, timeouts=Timeouts(connect=1, read=0.1))
    with pytest.raises(TransientError, match="timed out"):
        client.get_product("uid-5102234")


# --- errors ---------------------------------------------------------------------------------


def test_a_bad_key_is_authentication_failed(sandbox):
    with pytest.raises(AuthenticationFailed):
        client_for(sandbox, api_key="MZL-0-wrong").validate_key()


def test_an_unknown_order_is_not_found(sandbox):
    with pytest.raises(NotFound):
        client_for(sandbox).get_order("M-1234567-999")


def test_a_refused_request_raises_a_permanent_error_with_mozellos_message(sandbox):
    client = client_for(sandbox)
    items = [{"sku": f"S-{n}", "stock": 1} for n in range(1001)]
    with pytest.raises(PermanentError, match="At most 1000"):
        client.transport.request("POST", "store/products/batch_update_by_sku/",
                                 body={"products": items})


@pytest.fixture
def info_logs():
    """The test session logs at WARNING; let the client's info lines through for one test."""
    saved = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    yield
    structlog.configure(**saved)


def test_the_api_key_never_appears_in_logs_errors_or_repr(sandbox, info_logs):
    secret = "MZL-9999999-0123456789abcdef0123456789abcdef"
    sandbox.state.api_key = secret
    client = client_for(sandbox, api_key=secret)
    wrong = client_for(sandbox, api_key=secret + "x")
    messages = []
    with capture_logs() as logs:
        client.get_product("uid-5102234")
        for call in (lambda: client.get_order("M-none"), wrong.validate_key,
                     lambda: client.transport.request(
                         "POST", "store/products/batch_update_by_sku/", body={"products": 3})):
            with pytest.raises(PermanentError) as caught:
                call()
            messages.append(str(caught.value))
    assert len(logs) == 4
    assert {"method", "path", "status", "duration_ms"} <= set(logs[0])
    assert [entry["status"] for entry in logs] == [200, 404, 401, 400]
    text = repr(logs) + repr(messages) + repr(client) + repr(client.transport)
    assert secret not in text and secret[:20] not in text


# --- what goes over the wire ----------------------------------------------------------------


def test_a_batch_of_2500_skus_is_sent_in_three_calls_of_at_most_1000(sandbox):
    client = client_for(sandbox)
    answer = client.update_by_sku([SkuUpdate(f"S-{n}", stock=n) for n in range(2500)])
    writes = sandbox.state.write_calls()
    assert answer.calls == 3
    assert [len(call.body["products"]) for call in writes] == [1000, 1000, 500]


def test_prices_are_sent_as_json_numbers_with_two_decimals(sandbox):
    client = client_for(sandbox)
    client.update_by_sku([SkuUpdate("TT-100", price=Decimal("19.9"), stock=3),
                          SkuUpdate("LN-204")])
    (write,) = sandbox.state.write_calls()
    assert write.body == {"products": [{"sku": "TT-100", "stock": 3, "price": Decimal("19.90")}]}
    assert str(write.body["products"][0]["price"]) == "19.90"


def test_update_variants_sends_the_complete_variant_set_with_option_handles(sandbox):
    client = client_for(sandbox)
    client.update_variants("uid-5102301", [VariantUpdate("uid-2053", stock=9)])
    (write,) = sandbox.state.write_calls()
    sent = write.body["product"]["variants"]
    assert [v["variant_handle"] for v in sent] == ["uid-2050", "uid-2051", "uid-2053"]
    assert all(v["option_value_handle1"] and v["option_value_handle2"] for v in sent)
    assert [v["stock"] for v in sent] == [4, 6, 9]


def test_update_variants_of_a_listed_product_is_one_put_with_the_listed_variant_set(sandbox):
    # Given the sweater as the client just listed it
    client = client_for(sandbox)
    (sweater,) = [p for p in client.list_products() if p.handle == "uid-5102301"]
    sandbox.state.calls.clear()
    # When one of its variants is written from that listing
    client.update_variants("uid-5102301", [VariantUpdate("uid-2053", stock=9)], sweater)
    # Then Mozello got one PUT, no GET, and every variant with its option handles
    assert [(c.method, c.path) for c in sandbox.state.calls] == [
        ("PUT", "/v1/store/product/uid-5102301/")]
    sent = sandbox.state.calls[0].body["product"]["variants"]
    assert [(v["variant_handle"], v["stock"]) for v in sent] == [
        ("uid-2050", 4), ("uid-2051", 6), ("uid-2053", 9)]


def test_an_empty_page_ends_the_listing_even_when_it_links_another():
    # Given a shop whose empty last page still carries a next-page link
    requests_seen = []

    def shop(environ, start_response):
        requests_seen.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"error": False, "products": [],
                            "next_page_uri": "/store/products/?page_start=id:9"}).encode()]

    server = serve_in_thread(shop)
    try:
        client = MozelloClient(API_KEY, server.base_url + "/v1/", limiters=[])
        # When the products are listed, Then one request was made and nothing listed
        assert list(client.list_products()) == []
        assert requests_seen == ["/v1/store/products/"]
    finally:
        server.stop()


def test_update_variants_that_change_nothing_write_nothing(sandbox):
    client = client_for(sandbox)
    client.update_variants("uid-5102301", [VariantUpdate("uid-2050", stock=4)])
    assert sandbox.state.write_calls() == []


def test_bare_responses_are_read_as_well_as_wrapped_ones(sandbox):
    sandbox.state.wrap_responses = False
    order_id = sandbox.place_order([("TT-100", 2)])["order_id"]
    client = client_for(sandbox)
    assert client.get_product("uid-5102234").sku == "TT-100"
    assert client.get_order(order_id).order.total == Decimal("48.40")


def test_the_client_sends_the_documented_auth_header_to_paths_with_trailing_slashes(sandbox):
    client_for(sandbox).get_product("uid-5102234")
    assert sandbox.state.calls[0].path == "/v1/store/product/uid-5102234/"
    assert API_KEY  # the sandbox accepted `Authorization: ApiKey <key>` (else 401)
    assert sandbox.state.calls[0].status == 200


def test_a_write_answered_with_a_redirect_is_not_repeated_as_a_read():
    # Given a shop that answers writes with "see other" (requests would follow it with a GET,
    # the write's body dropped, and its JSON would pass for the write's answer)
    requests_seen = []

    def shop(environ, start_response):
        requests_seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        if environ["REQUEST_METHOD"] != "GET":
            start_response("303 See Other", [("Location", "/v1/store/products/")])
            return [b""]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"error": False, "products": []}).encode()]

    server = serve_in_thread(shop)
    try:
        client = MozelloClient(API_KEY, server.base_url + "/v1/", limiters=[])
        # When stock is written, Then it fails as a write to try again, and nothing was read
        with pytest.raises(TransientError, match="redirect"):
            client.update_by_sku([SkuUpdate("TT-100", stock=3)])
        assert {method for method, _ in requests_seen} == {"POST"}
    finally:
        server.stop()
