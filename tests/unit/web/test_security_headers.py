"""Every answer carries the security headers: pages, JSON, refusals, errors alike."""

from __future__ import annotations

import pytest

from tests.unit.web.app_builder import API_TOKEN, LOCAL, bearer, requests_for, web_app

EXPECTED = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def security_headers(answer) -> dict[str, str]:
    return {name: answer.headers.get(name) for name in EXPECTED}


@pytest.mark.parametrize("credentials", [{}, bearer(API_TOKEN)], ids=["anonymous", "with token"])
def test_every_route_answers_with_the_security_headers(credentials):
    app = web_app(API_TOKEN=API_TOKEN)
    client = app.test_client()
    for _, method, path in requests_for(app):
        answer = client.open(path, method=method, headers=credentials, environ_base=LOCAL)
        assert security_headers(answer) == EXPECTED, f"{method} {path} ({answer.status_code})"


def test_an_unknown_path_and_a_wrong_method_carry_them_too():
    client = web_app().test_client()
    assert security_headers(client.get("/no/such/page")) == EXPECTED
    assert security_headers(client.delete("/healthz")) == EXPECTED


def test_the_policy_allows_no_inline_script():
    policy = web_app().test_client().get("/healthz").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def test_hsts_only_when_the_request_came_over_https():
    client = web_app(TRUSTED_PROXIES="127.0.0.1").test_client()
    # Given plain HTTP, Then no HSTS (a browser ignores it there anyway)
    assert "Strict-Transport-Security" not in client.get("/healthz", environ_base=LOCAL).headers
    # Given HTTPS terminated by the trusted proxy, Then HSTS
    over_proxy = client.get("/healthz", headers={"X-Forwarded-Proto": "https"},
                            environ_base=LOCAL)
    assert over_proxy.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    # Given HTTPS straight to the app, Then HSTS
    direct = client.get("/healthz", base_url="https://inbox.example.lv", environ_base=LOCAL)
    assert "Strict-Transport-Security" in direct.headers


def test_an_untrusted_client_cannot_claim_https():
    # Given no trusted proxy
    client = web_app().test_client()
    # When a client says X-Forwarded-Proto: https over plain HTTP, Then it is not believed
    answer = client.get("/healthz", headers={"X-Forwarded-Proto": "https"}, environ_base=LOCAL)
    assert "Strict-Transport-Security" not in answer.headers


def test_session_cookies_are_secure_httponly_and_lax_when_served_over_https():
    app = web_app(PUBLIC_URL="https://inbox.example.lv")
    assert (app.config["SESSION_COOKIE_SECURE"], app.config["SESSION_COOKIE_HTTPONLY"],
            app.config["SESSION_COOKIE_SAMESITE"]) == (True, True, "Lax")
    assert web_app().config["SESSION_COOKIE_SECURE"] is False  # plain http://127.0.0.1 (make run)
