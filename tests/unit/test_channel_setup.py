"""Connecting a shop: both keys checked, the webhook registered, the channel stored — or, when a
key is refused, nothing stored and the refused key named."""

from __future__ import annotations

import pytest

from adapters.memory.accounting import FakeAccounting
from adapters.memory.shop import FakeShop
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from adapters.mozello.notifications import EVENTS
from application.channel_setup import Connector, NewChannel, create_channel
from application.errors import AuthenticationFailed, InvalidInput
from tests.unit.builders import TAX_KEYS, pipeline

NEW = NewChannel("Linu darbnīca", "MZL-key", "pt-key", "pt-token")


class FakeConnector(Connector):
    webhook_events = EVENTS

    def __init__(self, shop: FakeShop, accounting: FakeAccounting):
        self._shop, self._accounting = shop, accounting
        self.asked_with = []

    def shop(self, credentials):
        self.asked_with.append(credentials)
        return self._shop

    def accounting(self, credentials):
        return self._accounting


def create(store, connector, new=NEW):
    clock = pipeline().clock
    return create_channel(new, InMemoryUnitOfWork(store), connector, clock,
                          "https://inbox.example.lv", new_id=lambda: "c0ffee")


def test_a_shop_whose_keys_both_apis_accept_is_connected():
    store, shop = MemoryStore(), FakeShop()
    created = create(store, FakeConnector(shop, FakeAccounting(TAX_KEYS)))
    assert (created.id, created.webhook_path) == ("c0ffee", "/webhooks/mozello/c0ffee")
    assert shop.notifications_url == "https://inbox.example.lv/webhooks/mozello/c0ffee"
    with InMemoryUnitOfWork(store) as uow:
        assert uow.channels.get("c0ffee").name == "Linu darbnīca"
        assert uow.channels.credentials("c0ffee").paytraq_api_token == "pt-token"
        assert uow.watermarks.get("c0ffee", "orders_poll") is not None  # no history import


def test_refused_keys_are_named_and_nothing_is_stored():
    store, accounting = MemoryStore(), FakeAccounting(TAX_KEYS)
    accounting.fail("tax_keys", AuthenticationFailed("PayTraq 401"))
    shop = FakeShop(key_valid=False)
    with pytest.raises(InvalidInput) as refused:
        create(store, FakeConnector(shop, accounting), NewChannel(" ", "x", "y", "z"))
    assert set(refused.value.fields) == {"name", "mozello_api_key", "paytraq_api_key",
                                         "paytraq_api_token"}
    assert shop.notifications_url is None
    with InMemoryUnitOfWork(store) as uow:
        assert uow.channels.list() == []


def test_a_key_pasted_with_its_line_break_is_refused_before_either_api_is_asked():
    store, shop = MemoryStore(), FakeShop()
    connector = FakeConnector(shop, FakeAccounting(TAX_KEYS))
    with pytest.raises(InvalidInput) as refused:
        create(store, connector, NewChannel("Linu darbnīca", "MZL-key", "pt-key", "pt-token\n"))
    assert set(refused.value.fields) == {"paytraq_api_token"}
    assert "pt-token" not in str(refused.value.fields)
    assert connector.asked_with == [] and shop.notifications_url is None
