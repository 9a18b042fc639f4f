"""Syncing prices from a PayTraq price group to Mozello's regular price."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from application.errors import PermanentError
from application.ports import StockSyncStatus
from domain.settings import StockSyncSettings
from tests.unit.stock.scenario import (
    RETAIL,
    WHOLESALE,
    mozello_product,
    mozello_variant,
    mozello_variant_product,
    stock_scenario,
)

PRICES = StockSyncSettings(sync_prices=True, price_group_id=RETAIL)


def test_the_channels_price_group_sets_mozellos_price():
    # Given a product priced differently in two price groups, the channel using retail
    flow = stock_scenario(PRICES, products=(mozello_product("A", stock=3, price="10.00", handle="a"),))
    flow.paytraq_product("A", 3, retail="12.90", wholesale="8.00")
    # When synced
    run = flow.run()
    # Then Mozello shows the retail price, and the stock (unchanged) is not sent
    assert flow.mozello("a").price == D("12.90")
    assert [(u.stock, u.price) for u in flow.shop.sku_batches[0]] == [(None, D("12.90"))]
    result = flow.result(run.id, "A")
    assert (result.old_price, result.new_price) == (D("10.00"), D("12.90"))


def test_another_price_group_gives_its_own_prices():
    settings = StockSyncSettings(sync_prices=True, price_group_id=WHOLESALE)
    flow = stock_scenario(settings, products=(mozello_product("A", stock=3, handle="a"),))
    flow.paytraq_product("A", 3, retail="12.90", wholesale="8.00")
    flow.run()
    assert flow.mozello("a").price == D("8.00")


def test_prices_are_left_alone_when_price_sync_is_off():
    flow = stock_scenario(products=(mozello_product("A", stock=3, price="10.00", handle="a"),))
    flow.paytraq_product("A", 3, retail="12.90")
    run = flow.run()
    assert flow.mozello("a").price == D("10.00")
    assert "price_list" not in flow.accounting.calls
    assert run.summary == {"unchanged": 1}


def test_a_variants_price_is_synced_on_that_variant():
    shirt = mozello_variant_product("shirt", mozello_variant("S", stock=1, price="5.00"),
                                    mozello_variant("M", stock=1, price="5.00"))
    flow = stock_scenario(PRICES, products=(shirt,))
    flow.paytraq_product("S", 1, retail="6.50")
    flow.paytraq_product("M", 1, retail="5.00")
    flow.run()
    assert [(v.sku, v.price) for v in flow.mozello("shirt").variants] == [
        ("S", D("6.50")), ("M", D("5.00"))]


def test_the_sale_price_is_left_alone():
    # Given a product on sale in Mozello
    flow = stock_scenario(PRICES, products=(
        mozello_product("A", stock=3, price="10.00", sale_price="7.00", handle="a"),))
    flow.paytraq_product("A", 3, retail="11.00")
    # When prices are synced
    flow.run()
    # Then the regular price changes and the sale price does not
    assert (flow.mozello("a").price, flow.mozello("a").sale_price) == (D("11.00"), D("7.00"))


def test_a_product_without_a_price_in_the_group_keeps_its_price_and_gets_its_stock():
    flow = stock_scenario(PRICES, products=(mozello_product("A", stock=0, price="10.00", handle="a"),))
    flow.paytraq_product("A", 3)
    flow.run()
    assert (flow.mozello("a").stock, flow.mozello("a").price) == (3, D("10.00"))


def test_price_sync_without_a_price_group_fails_the_run_before_any_write():
    flow = stock_scenario(StockSyncSettings(sync_prices=True),
                          products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 3)
    with pytest.raises(PermanentError, match="price group"):
        flow.run()
    [run] = _runs(flow)
    assert run.status is StockSyncStatus.FAILED and "price group" in run.error
    assert flow.mozello("a").stock == 0


def test_with_sale_price_sync_on_the_sale_price_follows_the_price_group_too():
    # Given a channel asking for sale prices too
    settings = StockSyncSettings(sync_prices=True, price_group_id=RETAIL, sync_sale_price=True)
    flow = stock_scenario(settings, products=(
        mozello_product("A", stock=0, price="10.00", sale_price="7.00", handle="a"),))
    flow.paytraq_product("A", 3, retail="11.00")
    # When synced
    flow.run()
    # Then stock, price and sale price are PayTraq's
    product = flow.mozello("a")
    assert (product.stock, product.price, product.sale_price) == (3, D("11.00"), D("11.00"))


def test_a_dry_run_shows_the_sale_price_that_would_be_written():
    settings = StockSyncSettings(sync_prices=True, price_group_id=RETAIL, sync_sale_price=True)
    flow = stock_scenario(settings, products=(
        mozello_product("A", stock=3, price="10.00", sale_price="7.00", handle="a"),))
    flow.paytraq_product("A", 3, retail="11.00")
    run = flow.run(dry_run=True)
    assert "sale price 7.00 -> 11.00" in flow.result(run.id, "A").message


def _runs(flow):
    with flow.uow() as uow:
        return uow.stock_runs.list(flow.channel_id)
