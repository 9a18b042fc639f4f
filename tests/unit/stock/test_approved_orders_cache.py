"""Approved orders' lines are cached by document id and `updated` stamp between runs."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from application.errors import TransientError
from tests.unit.stock.scenario import mozello_product, stock_scenario


def sale_line_fetches(flow) -> int:
    return flow.accounting.calls.count("sale_lines")


def test_an_unchanged_approved_order_is_fetched_once_across_two_runs():
    # Given two approved orders
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 10)
    flow.approved_order(A=2)
    flow.approved_order(A=1)
    # When the sync runs twice
    flow.run()
    flow.run()
    # Then each order's lines were fetched once, and both runs counted them
    assert sale_line_fetches(flow) == 2
    assert flow.mozello("a").stock == 7


def test_a_changed_approved_order_is_fetched_again():
    # Given an approved order already cached
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 10)
    sale_id = flow.approved_order(A=2)
    flow.run()
    # When PayTraq reports it changed (a quantity raised to 5)
    sale = flow.accounting.sales[sale_id]
    bigger = replace(sale.document.lines[0], qty=D(5))
    sale.document = replace(sale.document, lines=(bigger,))
    sale.updated = "2026-02-02T07:00:00.000000Z"
    flow.run()
    # Then its lines are fetched again and the new quantity is reserved
    assert sale_line_fetches(flow) == 2
    assert flow.mozello("a").stock == 5


def test_an_order_no_longer_approved_leaves_the_cache_and_reserves_nothing():
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 10)
    sale_id = flow.approved_order(A=4)
    flow.run()
    flow.accounting.sales[sale_id].status = "closed"
    flow.run()
    assert flow.mozello("a").stock == 10
    with flow.uow() as uow:
        assert uow.sales_cache.all(flow.channel_id) == {}


def test_a_run_that_fails_after_reading_orders_keeps_what_it_fetched():
    # Given an approved order and a shop that fails its catalogue read
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 10)
    flow.approved_order(A=4)
    flow.shop.fail_next(TransientError("Mozello is down"))
    with pytest.raises(TransientError):
        flow.run()
    # When the sync runs again
    flow.run()
    # Then the order was not fetched a second time
    assert sale_line_fetches(flow) == 1
    assert flow.mozello("a").stock == 6
