"""The webhook endpoint: signature on the raw bytes, the raw body kept before answering,
duplicates recognised, clear answers for bad input."""

import json

import requests

from adapters.mozello.signature import sign

BODY = (
    b'{"event":"PRODUCT_CHANGED","product":{"handle":"uid-1","sku":"A-1","price":11,'
    b'"stock":3,"title":{"lv":"P\\u0113d\\u0113j\\u0101"},"url":{"en":"a\\/b"}}}'
)


def post(service, body: bytes, signature: str | None, channel: str | None = None):
    headers = {"Content-Type": "application/json", "X-Mozello-API-Version": "1",
               "X-Mozello-Alias": "linu-darbnica"}
    if signature is not None:
        headers["X-Mozello-Hash"] = signature
    url = f"{service.base_url}/webhooks/mozello/{channel or service.channel_id}"
    return requests.post(url, data=body, headers=headers, timeout=10)


def deliveries(service):
    with service.runtime.uow_factory() as uow:
        return uow.deliveries.list(service.channel_id)


def test_a_signed_notification_is_stored_byte_for_byte_and_acknowledged(service):
    answer = post(service, BODY, sign(BODY, service.mozello.api_key))
    assert answer.status_code == 200
    assert answer.json()["duplicate"] is False
    (stored,) = deliveries(service)
    assert stored.body == BODY
    assert stored.event == "PRODUCT_CHANGED"
    assert stored.headers["X-Mozello-Alias"] == "linu-darbnica"


def test_a_missing_signature_is_refused_with_401_and_still_kept(service):
    answer = post(service, BODY, None)
    assert answer.status_code == 401
    (stored,) = deliveries(service)
    assert stored.error and "signature" in stored.error


def test_a_changed_byte_breaks_the_signature(service):
    signature = sign(BODY, service.mozello.api_key)
    answer = post(service, BODY.replace(b'"stock":3', b'"stock":4'), signature)
    assert answer.status_code == 401


def test_an_unknown_channel_is_404(service):
    assert post(service, BODY, sign(BODY, service.mozello.api_key), channel="nope").status_code == 404


def test_a_signed_body_that_is_not_a_notification_is_400_with_a_reason(service):
    body = b'{"hello": "world"}'
    answer = post(service, body, sign(body, service.mozello.api_key))
    assert answer.status_code == 400
    assert "unknown Mozello event" in answer.json()["error"]


def test_the_same_notification_twice_is_recognised_as_a_duplicate(service):
    signature = sign(BODY, service.mozello.api_key)
    post(service, BODY, signature)
    # the same content, escaped differently, is the same snapshot
    same = json.dumps(json.loads(BODY), ensure_ascii=False).encode()
    second = post(service, same, sign(same, service.mozello.api_key))
    assert second.json()["duplicate"] is True
    assert [d.duplicate for d in deliveries(service)] == [False, True]


def test_product_webhooks_keep_the_catalogue_mirror_fresh(service):
    # Given a product change, then a stock change, then the product's deletion
    changed = (b'{"event":"PRODUCT_CHANGED","product":{"handle":"uid-9","sku":"A-9","price":11,'
               b'"stock":3,"modified_at":"2026-01-01 10:00:00"}}')
    stock = (b'{"event":"STOCK_CHANGED","product":{"handle":"uid-9","sku":"A-9","price":11,'
             b'"stock":1,"modified_at":"2026-01-01 10:05:00"}}')
    late = changed.replace(b'"stock":3', b'"stock":7')  # an older body arriving late
    for body in (changed, stock, late):
        assert post(service, body, sign(body, service.mozello.api_key)).status_code == 200
    service.join()
    mirror = requests.get(f"{service.base_url}/api/channels/{service.channel_id}/catalogue",
                          headers=service.api_headers, timeout=10).json()
    assert [(p["sku"], p["stock"]) for p in mirror] == [("A-9", 1)]
    deleted = (b'{"event":"PRODUCT_DELETED","product":{"handle":"uid-9","sku":"A-9",'
               b'"price":"11","stock":1,"modified_at":"2026-01-01 11:00:00"}}')
    post(service, deleted, sign(deleted, service.mozello.api_key))
    service.join()
    assert requests.get(f"{service.base_url}/api/channels/{service.channel_id}/catalogue",
                        headers=service.api_headers, timeout=10).json() == []


def test_an_unsigned_body_is_refused_and_not_kept(service):
    answer = post(service, BODY, "bm90IHRoZSBzaWduYXR1cmU=")
    assert answer.status_code == 401
    (stored,) = deliveries(service)
    assert stored.body == b"" and f"{len(BODY)} bytes" in stored.error


def test_the_served_app_on_127_0_0_1_answers_nothing_without_a_token(service):
    # Given the app served on 127.0.0.1 (as behind a reverse proxy on the same host)
    url = f"{service.base_url}/api/inbox"
    # When a client asks without the token, or with a wrong one, Then 401
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10).status_code == 401
    assert requests.get(f"{service.base_url}/metrics", headers=service.api_headers,
                        timeout=10).status_code == 401
    # and with the token, the API answers
    assert requests.get(url, headers=service.api_headers, timeout=10).status_code == 200
    # while /healthz says only that it is up, and the webhook stays open to Mozello (its
    # signature protects it)
    assert requests.get(f"{service.base_url}/healthz", timeout=10).json() == {"status": "ok"}
    assert post(service, BODY, sign(BODY, service.mozello.api_key)).status_code == 200
