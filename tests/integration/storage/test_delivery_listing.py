"""An order's webhook deliveries and a channel's newest ones, read by the console without
loading the whole channel's history, alike on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from application.ports import ChannelCredentials, RawDelivery
from domain.settings import Channel

pytestmark = pytest.mark.integration
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def delivery(order_id: str, minute: int) -> RawDelivery:
    return RawDelivery("shop-a", b'{"event": "ORDER_CREATED"}', {}, T0 + timedelta(minutes=minute),
                       f"fp-{order_id}-{minute}", "ORDER_CREATED", order_id)


def test_an_orders_deliveries_come_oldest_first_and_the_channels_newest_first(backend):
    with backend.new_uow() as uow:
        uow.channels.add(Channel("shop-a", "A"), ChannelCredentials())
        for minute, order_id in enumerate(["M-1", "M-2", "M-1", "M-3"]):
            uow.deliveries.add(delivery(order_id, minute))
        uow.commit()
    with backend.new_uow() as uow:
        assert [d.received_at.minute for d in uow.deliveries.for_order("shop-a", "M-1")] == [0, 2]
        assert [d.order_id for d in uow.deliveries.recent("shop-a", 2)] == ["M-3", "M-1"]
        assert uow.deliveries.for_order("shop-b", "M-1") == []
