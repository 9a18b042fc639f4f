"""Mozello's webhook is answered in front of Flask (entrypoints/web/webhook.py): it must answer
as the rest of the app does — the security headers, JSON for every outcome, the body's size
limit, the method refused — keep the headers Mozello sent with the body, and leave every other
path to Flask."""

from __future__ import annotations

import io
import json

from structlog.testing import capture_logs

from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from adapters.mozello.signature import sign
from application.ports import ChannelCredentials
from domain.settings import Channel, ChannelSettings
from entrypoints.config import load_config
from entrypoints.runtime import Runtime
from entrypoints.web.app import MAX_BODY, create_app
from tests.unit.web.test_security_headers import EXPECTED, security_headers

KEY = "MZL-0000000-0123456789abcdef0123456789abcdef"
BODY = json.dumps({"event": "PAYMENT_CHANGED", "order": {"order_id": "M-1", "payment_status":
                   "paid"}}).encode()
MOZELLO = {"Content-Type": "application/json", "X-Mozello-API-Version": "1",
           "X-Mozello-Alias": "linu-darbnica", "User-Agent": "Mozello", "X-Other": "not kept"}


def shop(uow_factory=None, channel_id: str = "shop", **settings: str):
    """The app over an in-memory store with a channel ("shop"); what it queued; the store."""
    env = {"SALES_INBOX_SECRET_KEY": "unit-test-secret-key-0123456789",
           **{f"SALES_INBOX_{name}": value for name, value in settings.items()}}
    store = MemoryStore()
    factory = uow_factory or (lambda: InMemoryUnitOfWork(store))
    with InMemoryUnitOfWork(store) as uow:
        uow.channels.add(Channel(channel_id, "Shop", ChannelSettings()),
                         ChannelCredentials(mozello_api_key=KEY))
        uow.commit()
    queued: list[tuple[str, str]] = []
    app = create_app(Runtime(load_config(env), factory, gateways=None),
                     lambda channel_id, delivery_id: queued.append((channel_id, delivery_id)))
    return app.test_client(), queued, store


def stored(store) -> list:
    with InMemoryUnitOfWork(store) as uow:
        return uow.deliveries.list("shop")


def test_a_signed_webhook_is_kept_with_mozellos_headers_and_answered_in_json():
    client, queued, store = shop()
    answer = client.post("/webhooks/mozello/shop", data=BODY,
                         headers={**MOZELLO, "X-Mozello-Hash": sign(BODY, KEY)})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    delivery, = stored(store)
    assert answer.get_json() == {"received": True, "duplicate": False, "delivery_id": delivery.id}
    assert queued == [("shop", delivery.id)]
    assert delivery.body == BODY
    assert delivery.headers == {name: value for name, value in MOZELLO.items()
                                if name != "X-Other"} | {"X-Mozello-Hash": sign(BODY, KEY)}


def test_every_answer_of_the_webhook_carries_the_security_headers():
    client, _, _ = shop()
    answers = [client.post("/webhooks/mozello/shop", data=BODY,
                           headers={"X-Mozello-Hash": sign(BODY, KEY)}),
               client.post("/webhooks/mozello/shop", data=BODY),  # unsigned
               client.post("/webhooks/mozello/nope", data=BODY),  # unknown channel
               client.post("/webhooks/mozello/shop", data=b"not json",
                           headers={"X-Mozello-Hash": sign(b"not json", KEY)}),
               client.get("/webhooks/mozello/shop")]
    assert [a.status_code for a in answers] == [200, 401, 404, 400, 405]
    assert all(security_headers(a) == EXPECTED for a in answers)
    assert all("Strict-Transport-Security" not in a.headers for a in answers)
    # Given HTTPS terminated by a trusted proxy, Then HSTS as well
    client, _, _ = shop(TRUSTED_PROXIES="127.0.0.1")
    over_https = client.post("/webhooks/mozello/shop", data=BODY,
                             headers={"X-Forwarded-Proto": "https"},
                             environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert over_https.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_only_post_is_taken_and_other_paths_are_left_to_the_app():
    client, _, store = shop()
    refused = client.put("/webhooks/mozello/shop", data=BODY)
    assert (refused.status_code, refused.headers["Allow"]) == (405, "OPTIONS, POST")
    assert refused.get_json() == {"error": "method not allowed"}
    asked = client.options("/webhooks/mozello/shop")
    assert (asked.status_code, asked.headers["Allow"]) == (200, "OPTIONS, POST")
    head = client.head("/webhooks/mozello/shop")
    assert (head.status_code, head.get_data()) == (405, b"")
    # a path that is not one channel's webhook is the app's: no such page
    assert client.post("/webhooks/mozello/shop/extra", data=BODY).status_code == 404
    assert client.post("/webhooks/mozello/", data=BODY).status_code == 404
    assert stored(store) == []


def test_a_body_over_the_limit_is_refused_and_not_kept_whether_its_length_is_said_or_not():
    client, queued, store = shop()
    big = b"{" + b" " * MAX_BODY + b"}"
    said = client.post("/webhooks/mozello/shop", data=big,
                       headers={"X-Mozello-Hash": sign(big, KEY)})
    # in chunks: no Content-Length, the server marks the stream's end (gunicorn does)
    chunked = client.post("/webhooks/mozello/shop", input_stream=io.BytesIO(big),
                          headers={"X-Mozello-Hash": sign(big, KEY)},
                          environ_overrides={"wsgi.input_terminated": True})
    for answer in (said, chunked):
        assert answer.status_code == 413
        assert answer.get_json() == {"error": f"the body is larger than {MAX_BODY} bytes"}
    assert (stored(store), queued) == ([], [])
    # and a chunked body of exactly the limit is read whole
    exact = b'"' + b"x" * (MAX_BODY - 2) + b'"'
    taken = client.post("/webhooks/mozello/shop", input_stream=io.BytesIO(exact),
                        headers={"X-Mozello-Hash": sign(exact, KEY)},
                        environ_overrides={"wsgi.input_terminated": True})
    assert taken.status_code == 400  # signed, kept, but not a notification
    assert stored(store)[0].body == exact


def test_a_body_cut_short_by_the_client_is_answered_400_and_not_kept():
    client, queued, store = shop()
    # Content-Length promises more than arrives (the connection dropped mid-body)
    answer = client.post("/webhooks/mozello/shop", input_stream=io.BytesIO(BODY[:20]),
                         headers={"X-Mozello-Hash": sign(BODY, KEY)},
                         environ_overrides={"CONTENT_LENGTH": str(len(BODY))})
    assert answer.status_code == 400 and "error" in answer.get_json()
    assert (stored(store), queued) == ([], [])


def test_a_channel_id_in_utf_8_reaches_the_store_as_flask_would_read_it():
    client, queued, _ = shop(channel_id="šops")
    answer = client.post("/webhooks/mozello/%C5%A1ops", data=BODY,
                         headers={"X-Mozello-Hash": sign(BODY, KEY)})
    assert answer.status_code == 200 and [c for c, _ in queued] == ["šops"]


def test_a_failure_answers_500_logged_and_without_details():
    # Given a store that cannot be reached (its error names a secret)
    def broken():
        raise RuntimeError(f"cannot reach the database with key {KEY}")

    client, queued, _ = shop(broken)
    with capture_logs() as logs:
        failed = client.post("/webhooks/mozello/shop", data=BODY,
                             headers={"X-Mozello-Hash": sign(BODY, KEY)})
    # Then Mozello gets a 500 (it retries), the log says so, and the answer tells nothing
    assert failed.status_code == 500
    assert failed.get_json() == {"error": "internal error"}
    assert KEY not in failed.get_data(as_text=True)
    assert [e["event"] for e in logs] == ["webhook_failed"] and queued == []
