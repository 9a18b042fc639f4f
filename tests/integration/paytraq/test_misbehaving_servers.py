"""Servers that misbehave must not hold an order for an hour, loop forever, or receive the key
at another host."""

import time

import pytest
from werkzeug.wrappers import Request, Response

from adapters.mozello.api import MozelloClient
from adapters.paytraq.api import PayTraqClient
from adapters.sandbox_wsgi import serve_in_thread
from application.errors import DailyBudgetSpent, PermanentError, TransientError


def serve(handler):
    @Request.application
    def app(request):
        return handler(request)

    return serve_in_thread(app)


def test_a_retry_after_of_an_hour_is_handed_back_to_the_worker_not_slept():
    server = serve(lambda r: Response("<Error><Message>quota</Message></Error>", 429,
                                      {"Retry-After": "3600"}))
    try:
        client = PayTraqClient("key", "token", server.base_url + "/api/", rate=100, burst=10)
        started = time.monotonic()
        with pytest.raises(TransientError) as error:
            client.tax_keys()
        assert time.monotonic() - started < 5
        assert error.value.retry_after == 3600
        # a wait this long is the daily quota: the order waits for it without spending attempts
        assert isinstance(error.value, DailyBudgetSpent)
    finally:
        server.stop()


def test_a_server_that_ignores_the_page_number_does_not_loop_forever():
    products = "".join(f"<Product><ItemID>{n}</ItemID><Code>C{n}</Code></Product>"
                       for n in range(100))
    server = serve(lambda r: Response(f"<Products>{products}</Products>", 200,
                                      {"Content-Type": "application/xml"}))
    try:
        client = PayTraqClient("key", "token", server.base_url + "/api/", rate=100, burst=10)
        with pytest.raises(PermanentError, match="twice"):
            list(client.warehouse_stock("1"))
    finally:
        server.stop()


def test_mozello_next_page_links_to_another_host_are_not_followed_with_the_key():
    seen_keys = []

    def handler(request):
        seen_keys.append(request.headers.get("Authorization"))
        return Response('{"products": [], "next_page_uri": "https://evil.example/steal/"}', 200,
                        {"Content-Type": "application/json"})

    server = serve(handler)
    try:
        client = MozelloClient("MZL-1-secret", server.base_url + "/v1/", limiters=[])
        with pytest.raises(PermanentError, match="another host"):
            list(client.list_products())
        assert len(seen_keys) == 1
    finally:
        server.stop()
