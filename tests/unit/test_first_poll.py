"""A new channel's catch-up poll starts at the channel's creation (issue 13, defect 10): the
shop's order history is never imported, whether or not a watermark was written."""

from dataclasses import replace
from datetime import timedelta

import pytest

from adapters.memory.gateways import StaticGateways
from adapters.memory.shop import FakeShop
from adapters.memory.uow import InMemoryUnitOfWork
from application.bootstrap import bootstrap
from application.commands import PollOrders
from application.handlers.poll_orders import WATERMARK
from domain.settings import Channel
from tests.unit.builders import order, pipeline, settings


def placed(order_id: str, at, shop: FakeShop) -> None:
    """An order the shop's buyer placed at `at` (the catch-up poll asks by creation time)."""
    shop.add_order(replace(order(order_id), created_at=at))


@pytest.fixture
def new_channel():
    flow = pipeline(settings(auto_process=False))
    created = flow.clock.now()
    shop = FakeShop()
    # the shop's history: an order of yesterday, one of ten minutes before the channel existed
    placed("M-YESTERDAY", created - timedelta(days=1) + timedelta(hours=1), shop)
    placed("M-10-MIN-BEFORE", created - timedelta(minutes=10), shop)
    # and one placed after the channel was created
    placed("M-AFTER", created + timedelta(minutes=5), shop)
    uow = InMemoryUnitOfWork(flow.store)
    with uow:
        uow.channels.update(replace(uow.channels.get("shop-1"), created_at=created))
        uow.commit()
    flow.clock.current = created + timedelta(minutes=10)
    return flow, shop, created

def poll(flow, shop):
    bootstrap(InMemoryUnitOfWork(flow.store), StaticGateways(flow.accounting, shop),
              flow.clock).handle(PollOrders("shop-1"))
    with InMemoryUnitOfWork(flow.store) as uow:
        return sorted(item.order_id for item in uow.inbox.list("shop-1"))


def test_the_first_poll_of_a_channel_without_a_watermark_starts_at_its_creation(new_channel):
    flow, shop, _ = new_channel
    assert poll(flow, shop) == ["M-AFTER"]


def test_the_overlap_of_the_first_poll_never_reaches_before_the_channels_creation(new_channel):
    # Given the CLI wrote the watermark at creation
    flow, shop, created = new_channel
    with InMemoryUnitOfWork(flow.store) as uow:
        uow.watermarks.set("shop-1", WATERMARK, created)
        uow.commit()
    # Then the 15-minute overlap does not import the order of ten minutes before
    assert poll(flow, shop) == ["M-AFTER"]


def test_a_channel_stored_before_creation_times_were_kept_still_looks_one_day_back():
    flow = pipeline(settings(auto_process=False))
    shop = FakeShop()
    placed("M-RECENT", flow.clock.now() - timedelta(hours=2), shop)
    assert poll(flow, shop) == ["M-RECENT"]
    assert Channel("x", "X").created_at is None
