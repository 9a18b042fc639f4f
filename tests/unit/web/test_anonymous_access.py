"""Nothing readable without credentials, whatever address a request comes from.

Every route of the app is taken from Flask's URL map — pages added later are covered too — and
requested with no credentials, straight from 127.0.0.1 (where a reverse proxy on the same host
connects from) and through a trusted proxy's X-Forwarded-* headers. Only the routes in OPEN answer;
every other one says 401, or (a page) sends the browser to the login page."""

from __future__ import annotations

import pytest

from entrypoints.web.context import OPEN_ENDPOINTS, is_open
from tests.unit.web.app_builder import (
    API_TOKEN,
    LOCAL,
    METRICS_TOKEN,
    OPEN,
    WAYS_IN,
    bearer,
    refused,
    requests_for,
    web_app,
)

CONSOLE_AREAS = {"auth", "inbox", "orders", "channels", "sync", "dashboard"}


@pytest.mark.parametrize("way_in", WAYS_IN)
def test_every_route_but_the_open_ones_refuses_a_request_without_credentials(way_in):
    # Given the app behind one trusted proxy, with an API token and a metrics token configured
    app = web_app(TRUSTED_PROXIES="1", API_TOKEN=API_TOKEN, METRICS_TOKEN=METRICS_TOKEN)
    client = app.test_client()
    guarded = [(rule, method, path) for rule, method, path in requests_for(app)
               if rule.endpoint.rsplit(".", 1)[-1] not in OPEN]
    assert {"/api/inbox", "/api/channels", "/metrics"} <= {path for _, _, path in guarded}
    # When each is requested without credentials
    answers = {f"{method} {path}": client.open(path, method=method, headers=WAYS_IN[way_in],
                                               environ_base=LOCAL)
               for _, method, path in guarded}
    # Then every one is refused
    let_through = {request: answer.status_code for request, answer in answers.items()
                   if not refused(answer)}
    assert let_through == {}


def test_the_consoles_pages_send_an_anonymous_browser_to_the_login_page():
    # Given the app with an API token configured (which must not open a page)
    app = web_app(API_TOKEN=API_TOKEN)
    client = app.test_client()
    pages = [(method, path) for rule, method, path in requests_for(app)
             if rule.endpoint.split(".")[0] in CONSOLE_AREAS and rule.endpoint not in
             OPEN_ENDPOINTS]
    assert {("GET", "/"), ("GET", "/orders/x1/x1"), ("GET", "/channels/"),
            ("GET", "/dashboard")} <= set(pages)
    # When each page is asked for without a session (with the API token, or nothing)
    for headers in ({}, bearer(API_TOKEN)):
        answers = {(method, path): client.open(path, method=method, headers=headers,
                                               environ_base=LOCAL) for method, path in pages}
        # Then each one sends the browser to the login page, and remembers where it was going
        not_sent = {request: answer.status_code for request, answer in answers.items()
                    if answer.status_code != 302
                    or not answer.headers["Location"].startswith("/login")}
        assert not_sent == {}
    assert client.get("/orders/x1/x1").headers["Location"] == "/login?next=/orders/x1/x1"


def test_only_the_login_page_its_language_switch_static_files_and_healthz_are_open():
    # Given every endpoint of the app (the webhook is answered in front of them)
    endpoints = {rule.endpoint for rule in web_app().url_map.iter_rules()}
    # Then exactly these answer without credentials (plus any blueprint's static files)
    assert {e for e in endpoints if is_open(e)} == {
        "ops.healthz", "static", "auth.login", "auth.language"}


def test_the_login_form_and_the_language_switch_refuse_a_post_without_the_csrf_token():
    client = web_app().test_client()
    assert client.post("/login", data={"username": "anna", "password": "x" * 12},
                       environ_base=LOCAL).status_code == 403
    assert client.post("/language/en", environ_base=LOCAL).status_code == 403


@pytest.mark.parametrize("way_in", WAYS_IN)
def test_a_wrong_token_is_refused_like_none(way_in):
    app = web_app(TRUSTED_PROXIES="1", API_TOKEN=API_TOKEN, METRICS_TOKEN=METRICS_TOKEN)
    headers = {**WAYS_IN[way_in], **bearer("not-the-token-at-all")}
    for path in ("/api/inbox", "/metrics"):
        answer = app.test_client().get(path, headers=headers, environ_base=LOCAL)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_without_an_api_token_configured_the_api_answers_no_bearer_at_all():
    # Given no SALES_INBOX_API_TOKEN (the default, e.g. `make run` on 127.0.0.1)
    client = web_app().test_client()
    # When anyone asks, with any bearer or none, Then the API refuses
    for headers in ({}, bearer(""), {"Authorization": "Bearer "}, bearer("None")):
        assert client.get("/api/inbox", headers=headers, environ_base=LOCAL).status_code == 401


def test_the_api_token_opens_the_api_and_not_the_metrics():
    client = web_app(API_TOKEN=API_TOKEN, METRICS_TOKEN=METRICS_TOKEN).test_client()
    assert client.get("/api/inbox", headers=bearer(API_TOKEN)).status_code == 200
    assert client.get("/metrics", headers=bearer(API_TOKEN)).status_code == 401
    assert client.get("/api/inbox", headers=bearer(METRICS_TOKEN)).status_code == 401


def test_prometheus_reads_the_metrics_with_its_own_token():
    client = web_app(METRICS_TOKEN=METRICS_TOKEN).test_client()
    answer = client.get("/metrics", headers=bearer(METRICS_TOKEN))
    assert answer.status_code == 200
    assert "# TYPE sales_inbox_items gauge" in answer.text


def test_metrics_can_be_made_public_explicitly():
    client = web_app(METRICS_PUBLIC="1").test_client()
    assert client.get("/metrics").status_code == 200
    # and the API stays closed
    assert client.get("/api/inbox").status_code == 401


def test_healthz_says_up_and_nothing_else():
    answer = web_app().test_client().get("/healthz", environ_base=LOCAL)
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}


def test_the_webhook_answers_mozello_without_a_token():
    # Given no channel "x1" (Mozello's signature is checked against a channel's key)
    answer = web_app(API_TOKEN=API_TOKEN).test_client().post(
        "/webhooks/mozello/x1", data=b"{}", environ_base=LOCAL)
    # Then the webhook itself answers (not the token guard)
    assert answer.status_code == 404
    assert answer.get_json() == {"error": "unknown channel"}
