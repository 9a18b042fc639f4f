"""Each outside call is prepared without `PreparedRequest.prepare` (adapters/http_sessions.py):
what is sent must be exactly what requests itself would prepare — the same URL and query bytes,
headers, body and cookies — or PayTraq and Mozello would be asked something else."""

from __future__ import annotations

import pytest
import requests

from adapters.http_sessions import checked_url, http_session, prepared, session_headers
from adapters.paytraq.transport import SETTINGS
from application.errors import UnusableCredential

BASE = "https://Go.PayTraq.com/api/"
CASES = [
    ("GET", "sales", {"query": "M-1234567-10", "page": "0"}, None),
    ("GET", "clients", {"query": "birojs@vecais.lv", "page": "0"}, None),
    ("GET", "clients", {"query": "Līnu darbnīca & Co + \"Ābols\" 100%", "page": "2"}, None),
    ("GET", "sales", {"date_from": "2026-12-01", "date_till": "2026-12-31", "status": "approved"},
     None),
    ("GET", "taxKeys", None, None),
    ("GET", "products", {"query": "TT~100/a b?c#d"}, None),
    ("POST", "sale", None, "<Sale><Comment>Pasūtījums №1 — ā</Comment></Sale>".encode()),
    ("POST", "sale/15600003/post", None, b"<Document/>"),
    ("POST", "sale/15600003/void", None, None),
    ("PUT", "../v1/store/product/uid-1/", None, b'{"stock": 3}'),
    ("GET", "sales?page=1", {"query": "M-1"}, None),  # a next page's link, and a query
    ("GET", "products?", {"query": "TT-100"}, None),
    ("GET", "clients", {"query": None, "page": "0"}, None),  # a value left out
    ("GET", "taxKeys", None, b""),  # an empty body is none
    ("POST", "sale/1/void", None, b""),
    ("GET", "sales#top", {"page": "1"}, None),  # not plain: requests prepares it
]


@pytest.mark.parametrize("url", ["https://user:secret@go.paytraq.com/api/sales"])
def test_a_url_with_credentials_is_prepared_by_requests_itself(url):
    session = http_session(url)
    headers = session_headers(session, {"APIKey": "k"})
    ours = prepared(session, "GET", url, headers, {"page": "0"}, None)
    theirs = requests_own(session, "GET", url, headers, {"page": "0"}, None)
    assert (ours.url, dict(ours.headers)) == (theirs.url, dict(theirs.headers))
    assert ours.headers["Authorization"].startswith("Basic ")


def test_a_header_value_a_request_cannot_carry_is_refused_once_without_showing_it():
    session = http_session(BASE)
    for bad in ("secret-token\n", " secret-token", "secret\r\ntoken"):
        with pytest.raises(UnusableCredential, match="the channel's PayTraq API token cannot be "
                                                     "sent") as refused:
            session_headers(session, {"APIKey": "k", "APIToken": bad}, SETTINGS)
        assert "secret" not in str(refused.value)
    # a header no setting is named for is named itself
    with pytest.raises(UnusableCredential, match="the X-Other header cannot be sent"):
        session_headers(session, {"X-Other": "a\nb"})


def requests_own(session: requests.Session, method, url, headers, params, data):
    return session.prepare_request(requests.Request(method, url, headers=dict(headers),
                                                    params=params, data=data))


@pytest.mark.parametrize("with_cookies", [False, True], ids=["no cookies", "a cookie set"])
@pytest.mark.parametrize(("method", "path", "params", "data"), CASES)
def test_a_call_is_prepared_exactly_as_requests_prepares_it(method, path, params, data,
                                                          with_cookies):
    session = http_session(BASE)
    if with_cookies:  # a load balancer's stickiness, set by an earlier answer
        session.cookies.set("lb", "node-2", domain="go.paytraq.com", path="/")
    headers = session_headers(session, {"APIKey": "k", "APIToken": "t", "Accept":
                                        "application/xml"})
    ours = prepared(session, method, BASE + path, headers, params, data)
    theirs = requests_own(session, method, BASE + path, headers, params, data)
    assert (ours.method, ours.url, ours.body) == (theirs.method, theirs.url, theirs.body)
    assert dict(ours.headers) == dict(theirs.headers)
    assert ("Cookie" in ours.headers) is with_cookies
    assert ours.hooks == theirs.hooks


@pytest.mark.parametrize("url", [
    "https://Go.PayTraq.com/api/sale/15600003/post", "http://127.0.0.1:8080/api/taxKeys",
    "http://127.0.0.1:8080", "http://127.0.0.1:8080/", "https://api.mozello.com/v1/store/orders/",
    "https://ÄBOLS.lv/a/b", "HTTP://Host.LV:443/x_y~z-1/", "http://h/a//b", "http://h/a/./b",
    "http://h/%41", "http://h/a b", "http://h/ā", "http://h/a?b=c", "http://user:pw@h/a",
])
def test_a_url_is_checked_as_requests_checks_it(url):
    # a plain path rides on its origin's check (one per API, not one per document's URL)
    request = requests.PreparedRequest()
    request.prepare_url(url, None)
    assert checked_url(url)[0] == request.url
