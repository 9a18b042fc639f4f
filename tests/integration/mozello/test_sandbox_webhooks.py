"""The sandbox delivers notifications as Mozello does: signed raw bytes, PHP escaping, only the
events asked for; duplicates, drops and retries on demand."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from flask import Flask, request

from adapters.mozello.notifications import parse_notification
from adapters.mozello.signature import verify
from adapters.sandbox_wsgi import serve_in_thread
from tests.integration.mozello.conftest import API_KEY, client_for

pytestmark = pytest.mark.integration

ORDER_EVENTS = ["ORDER_CREATED", "PAYMENT_CHANGED", "DISPATCH_CHANGED", "ORDER_DELETED"]
JANIS = {"name": "Jānis Kalniņš", "email": "janis@example.lv", "city": "Rīga"}


class Receiver:
    """A webhook endpoint that keeps the raw bytes and headers of every delivery."""

    def __init__(self):
        self.deliveries: list[tuple[bytes, dict]] = []
        self.answers: list[int] = []  # statuses to answer before 200
        app = Flask("receiver")

        @app.post("/hooks/mozello")
        def receive():
            self.deliveries.append((request.get_data(), dict(request.headers)))
            return ("", self.answers.pop(0) if self.answers else 200)

        self.server = serve_in_thread(app)
        self.url = f"{self.server.base_url}/hooks/mozello"

    def events(self) -> list[str]:
        return [json.loads(body)["event"] for body, _ in self.deliveries]


@pytest.fixture(scope="module")
def receiving_server():
    receiver = Receiver()
    yield receiver
    receiver.server.stop()


@pytest.fixture
def receiver(receiving_server):
    receiving_server.deliveries.clear()
    receiving_server.answers.clear()
    return receiving_server


@pytest.fixture
def shop(sandbox, receiver):
    """The sandbox with notifications registered through the API, for order events only."""
    client_for(sandbox).set_notifications(receiver.url, ORDER_EVENTS)
    return sandbox


def test_a_paid_order_delivers_signed_order_created_then_payment_changed(shop, receiver):
    # Given a buyer who pays online
    order = shop.place_order([("TT-100", 1)], JANIS, paid=True)
    # When Mozello flushes its queue
    shop.flush()
    # Then the receiver got ORDER_CREATED (pending) and PAYMENT_CHANGED (paid), both signed
    assert receiver.events() == ["ORDER_CREATED", "PAYMENT_CHANGED"]
    created, paid = (parse_notification(body) for body, _ in receiver.deliveries)
    assert created.order.order_id == paid.order.order_id == order["order_id"]
    assert created.order.payment_status.value == "pending"
    assert paid.order.is_paid
    for body, headers in receiver.deliveries:
        assert verify(body, headers["X-Mozello-Hash"], API_KEY)
        assert len(headers["X-Mozello-Hash"]) == 44
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Mozello-Api-Version"] == "1"
        assert headers["X-Mozello-Alias"] == "contract-shop"


def test_the_body_is_php_escaped_and_in_mozellos_key_order(shop, receiver):
    shop.place_order([("TT-100", 1)], JANIS)
    shop.flush()
    (body, headers), = receiver.deliveries
    assert b"https:\\/\\/contract-shop.mozello.com\\/m\\/invoice\\/" in body
    assert b'"name":"J\\u0101nis Kalni\\u0146\\u0161"' in body
    assert b'": ' not in body and b', "' not in body  # no spaces between tokens
    assert body.isascii()
    keys = list(json.loads(body)["order"])
    assert keys[:5] == ["order_id", "created_at", "payment_status", "dispatched", "archived"]
    assert keys[-3:] == ["origin_url", "cart", "print_url"]


def test_a_signature_over_re_serialised_json_would_not_verify(shop, receiver):
    shop.place_order([("TT-100", 1)], JANIS)
    shop.flush()
    (body, headers), = receiver.deliveries
    reserialised = json.dumps(json.loads(body), ensure_ascii=False).encode()
    assert not verify(reserialised, headers["X-Mozello-Hash"], API_KEY)


def test_the_delivered_order_carries_the_storefront_totals(shop, receiver):
    shop.place_order([("SW-200-BL-M", 2), ("LN-204", 1)], JANIS,
                     shipping=("omniva-latvija", Decimal("3.63")), discount_percent=10)
    shop.flush()
    order = parse_notification(receiver.deliveries[0][0]).order
    # 78.00 + 18.50 = 96.50 ; -9.65 ; +3.63 = 90.48 ; VAT 90.48 x 21/121 = 15.70
    assert (order.subtotal, order.discount_amount, order.total, order.taxes) == (
        Decimal("96.5"), Decimal("9.65"), Decimal("90.48"), Decimal("15.7"))
    assert order.lines[0].variant == ("Blue", "M")
    assert order.lines[0].name == "Sweater, Blue, M, SW-200-BL-M"


def test_stock_of_the_ordered_product_goes_down(shop, receiver):
    client = client_for(shop)
    shop.place_order([("TT-100", 3), ("SW-200-BL-M", 2), ("GC-25", 5)], JANIS)
    assert client.get_product("uid-5102234").stock == 37
    assert [v.stock for v in client.get_product("uid-5102301").variants] == [4, 4, 3]
    assert client.get_product("uid-5103004").stock is None  # untracked stays unlimited


def test_stock_changed_carries_the_full_product_when_asked_for(shop, receiver):
    client_for(shop).set_notifications(receiver.url, ["STOCK_CHANGED"])
    shop.place_order([("TT-100", 3)], JANIS)
    shop.flush()
    (body, _), = receiver.deliveries
    notification = parse_notification(body)
    assert notification.event == "STOCK_CHANGED"
    assert (notification.product.handle, notification.product.stock) == ("uid-5102234", 37)


def test_events_not_asked_for_are_not_delivered(shop, receiver):
    shop.place_order([("TT-100", 1)], JANIS)  # queues STOCK_CHANGED too
    shop.flush()
    assert "STOCK_CHANGED" not in receiver.events()


def test_dispatch_marks_the_order_archived_and_delete_sends_the_last_snapshot(shop, receiver):
    order_id = shop.place_order([("TT-100", 1)], JANIS, paid=True)["order_id"]
    shop.dispatch(order_id)
    shop.delete_order(order_id)
    shop.flush()
    assert receiver.events() == ["ORDER_CREATED", "PAYMENT_CHANGED", "DISPATCH_CHANGED",
                                 "ORDER_DELETED"]
    dispatched = parse_notification(receiver.deliveries[2][0]).order
    assert dispatched.dispatched and dispatched.archived


def test_the_duplicates_setting_delivers_every_event_twice(shop, receiver):
    shop.state.webhooks.duplicates = 2
    shop.place_order([("TT-100", 1)], JANIS, paid=True)
    shop.flush()
    assert receiver.events() == ["ORDER_CREATED", "ORDER_CREATED",
                                 "PAYMENT_CHANGED", "PAYMENT_CHANGED"]
    assert receiver.deliveries[0][0] == receiver.deliveries[1][0]


def test_the_drop_setting_delivers_nothing_but_the_order_can_still_be_polled(shop, receiver):
    shop.state.webhooks.drop = True
    order_id = shop.place_order([("TT-100", 1)], JANIS, paid=True)["order_id"]
    assert shop.flush() == 0
    assert receiver.deliveries == []
    polled = [o.order.order_id for o in client_for(shop).orders_created_since(None)]
    assert polled == [order_id]


def test_a_failed_delivery_is_retried_with_backoff_until_accepted(shop, receiver):
    receiver.answers = [500, 503]
    shop.place_order([("TT-100", 1)], JANIS)
    assert shop.flush() == 1
    assert receiver.events() == ["ORDER_CREATED"] * 3
    assert [a.status for a in shop.outbox.attempts] == [500, 503, 200]


def test_a_delivery_that_keeps_failing_is_given_up_after_the_bounded_attempts(shop, receiver):
    receiver.answers = [500] * 5
    shop.place_order([("TT-100", 1)], JANIS)
    assert shop.flush() == 0
    assert len(receiver.deliveries) == shop.state.webhooks.max_attempts
    assert len(shop.outbox.failed) == 1


def test_with_a_batching_delay_only_due_events_go_out(shop, receiver):
    shop.state.webhooks.delay = 60
    shop.place_order([("TT-100", 1)], JANIS)
    assert shop.outbox.flush(only_due=True) == 0
    assert shop.flush() == 1  # a forced flush sends everything
