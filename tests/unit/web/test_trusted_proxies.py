"""Behind a trusted reverse proxy, the app sees the real client, scheme and host (logs, lock-outs
and generated URLs use them); nobody else's X-Forwarded-* headers are believed."""

from __future__ import annotations

import pytest
from flask import jsonify, request, url_for

from entrypoints.web.proxies import TrustedProxies, parse_trusted_proxies
from tests.unit.web.app_builder import API_TOKEN, bearer, web_app

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "inbox.example.lv"}


def seen_by_the_app(peer: str, headers: dict, **settings) -> dict:
    """What a view sees of a request from `peer` with `headers`."""
    app = web_app(API_TOKEN=API_TOKEN, **settings)

    @app.get("/probe")
    def probe():
        return jsonify(client=request.remote_addr, scheme=request.scheme,
                       url=url_for("probe", _external=True))

    answer = app.test_client().get("/probe", headers={**headers, **bearer(API_TOKEN)},
                                   environ_base={"REMOTE_ADDR": peer})
    assert answer.status_code == 200
    return answer.get_json()


def test_one_trusted_proxy_gives_the_real_client_scheme_and_host():
    seen = seen_by_the_app("127.0.0.1", FORWARDED, TRUSTED_PROXIES="1")
    assert seen == {"client": "203.0.113.7", "scheme": "https",
                    "url": "https://inbox.example.lv/probe"}


def test_without_trusted_proxies_the_forwarded_headers_are_ignored():
    seen = seen_by_the_app("127.0.0.1", FORWARDED)
    assert seen == {"client": "127.0.0.1", "scheme": "http", "url": "http://localhost/probe"}


def test_an_address_prepended_by_the_client_is_not_taken_for_the_real_one():
    # Given a client that sends its own X-Forwarded-For, which the proxy appends to
    headers = {**FORWARDED, "X-Forwarded-For": "10.9.9.9, 203.0.113.7"}
    # Then the app takes the address the (one) trusted proxy saw
    assert seen_by_the_app("127.0.0.1", headers, TRUSTED_PROXIES="1")["client"] == "203.0.113.7"


def test_proxies_named_by_address_are_believed_and_no_one_else():
    settings = {"TRUSTED_PROXIES": "10.0.0.5, 192.168.1.0/24"}
    assert seen_by_the_app("10.0.0.5", FORWARDED, **settings)["client"] == "203.0.113.7"
    assert seen_by_the_app("192.168.1.40", FORWARDED, **settings)["scheme"] == "https"
    stranger = seen_by_the_app("10.0.0.6", FORWARDED, **settings)
    assert (stranger["client"], stranger["scheme"]) == ("10.0.0.6", "http")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", TrustedProxies()), ("0", TrustedProxies()), ("2", TrustedProxies(2))],
)
def test_a_count_of_proxies_is_read_as_hops(raw, expected):
    assert parse_trusted_proxies(raw) == expected


def test_addresses_and_networks_are_read_as_one_trusted_hop():
    proxies = parse_trusted_proxies("127.0.0.1, ::1, 10.0.0.0/8")
    assert proxies.hops == 1
    assert proxies.trusts("10.1.2.3") and proxies.trusts("::1")
    assert not proxies.trusts("192.168.0.1") and not proxies.trusts("not-an-address")


def test_a_refused_request_is_logged_with_the_real_client_and_never_the_token_sent():
    from structlog.contextvars import merge_contextvars
    from structlog.testing import capture_logs

    # Given the app behind one trusted proxy
    client = web_app(API_TOKEN=API_TOKEN, TRUSTED_PROXIES="1").test_client()
    # When a client from the internet tries a guessed token
    with capture_logs(processors=[merge_contextvars]) as logs:
        client.get("/api/inbox", headers={**FORWARDED, **bearer("guessed-token-123456")},
                   environ_base={"REMOTE_ADDR": "127.0.0.1"})
    # Then the refusal is logged with its real address and the path, without the guess
    (refused,) = [entry for entry in logs if entry["event"] == "request_refused"]
    assert (refused["client"], refused["path"], refused["status"]) == (
        "203.0.113.7", "/api/inbox", 401)
    assert "guessed-token" not in repr(logs)
