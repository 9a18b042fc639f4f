"""The served app, over real HTTP on 127.0.0.1 — where a reverse proxy on the same host connects
from — answers nothing without credentials but /healthz and the webhook, directly or with the
proxy's X-Forwarded-* headers; and every answer carries the security headers."""

from __future__ import annotations

import pytest
import requests

from tests.unit.web.app_builder import OPEN, WAYS_IN, refused, requests_for

pytestmark = pytest.mark.integration


def test_every_guarded_route_refuses_an_anonymous_request_over_http(service):
    # Given the service as it runs (the proxy at 127.0.0.1 trusted), and every route of its app
    guarded = [(method, path) for rule, method, path in requests_for(service.app)
               if rule.endpoint.rsplit(".", 1)[-1] not in OPEN]
    assert len(guarded) >= 10
    for way_in, headers in WAYS_IN.items():
        # When each is requested without credentials
        answers = {f"{method} {path}": requests.request(
            method, f"{service.base_url}{path}", headers=headers, allow_redirects=False,
            timeout=10) for method, path in guarded}
        # Then none lets the request through, and each says so with the security headers
        assert {r: a.status_code for r, a in answers.items() if not refused(a)} == {}, way_in
        assert all("frame-ancestors 'none'" in a.headers["Content-Security-Policy"]
                   for a in answers.values())


def test_https_at_the_proxy_turns_hsts_on_and_plain_http_does_not(service):
    proxied = requests.get(f"{service.base_url}/healthz", timeout=10,
                           headers=WAYS_IN["through a trusted proxy"])
    direct = requests.get(f"{service.base_url}/healthz", timeout=10)
    assert proxied.json() == direct.json() == {"status": "ok"}
    assert "Strict-Transport-Security" in proxied.headers
    assert "Strict-Transport-Security" not in direct.headers
