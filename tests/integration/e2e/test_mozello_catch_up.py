"""The catch-up poll as the evidence allows (DECISIONS R5): new orders by `created_at`, and the
payment of a recent pending order caught by reading it again — not by a `modified_at` filter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests

from application.commands import PollOrders
from application.handlers.poll_orders import WATERMARK


def test_a_payment_whose_notification_was_lost_is_caught_by_reading_the_pending_order_again(service):
    # Given an unpaid bank-transfer order placed two hours ago, waiting in the inbox
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    service.mozello.state.clock = lambda: two_hours_ago
    order = service.mozello.place_order([("TT-100", 1)], paid=False, payment_method="banktransfer")
    service.settle()
    assert service.item(order["order_id"]).status.value == "received"
    # and a poll that already looked past its creation time, and Mozello losing every notification
    with service.runtime.uow_factory() as uow:
        uow.watermarks.set(service.channel_id, WATERMARK, datetime.now(UTC))
        uow.commit()
    service.mozello.state.webhooks.drop = True
    service.mozello.state.clock = lambda: datetime.now(UTC)
    service.mozello.mark_paid(order["order_id"])
    service.settle()
    # When the catch-up poll runs
    service.runtime.bus().handle(PollOrders(service.channel_id))
    service.join()
    # Then the order was read again, found paid, and went through
    (sale,) = service.sales(order["order_id"])
    assert sale.status == "in_process"
    assert service.item(order["order_id"]).order.is_paid


def test_the_mozello_sandbox_refuses_to_filter_orders_on_modified_at(service):
    # Given the Mozello sandbox (orders carry created_at, not modified_at)
    # When orders are listed with a modified_at filter, Then it is refused
    answer = requests.get(service.mozello.base_url + "store/orders/",
                          params={"filter": "modified_at>=2026-01-01 00:00:00"},
                          headers={"Authorization": f"ApiKey {service.mozello.api_key}"}, timeout=5)
    assert answer.status_code == 400 and "modified_at" in answer.text
