"""Stock sync runs: dry runs, a run that fails half-way and its re-run, one run per channel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.errors import StockSyncAlreadyRunning, TransientError, UnknownChannel
from application.handlers import sync_stock as sync_stock_handler
from application.ports import StockSyncStatus
from tests.unit.stock.scenario import (
    mozello_product,
    mozello_variant,
    mozello_variant_product,
    stock_scenario,
)


def many_products(count: int, stock: int = 0):
    return tuple(mozello_product(f"P{n:04}", stock=stock) for n in range(count))


def test_a_dry_run_writes_nothing_and_records_what_it_would_write():
    # Given a product and a variant out of date
    shirt = mozello_variant_product("shirt", mozello_variant("S", stock=1))
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"), shirt))
    flow.paytraq_product("A", 4)
    flow.paytraq_product("S", 2)
    calls_before = flow.shop.calls_made
    # When a dry run is made
    run = flow.run(dry_run=True)
    # Then Mozello is only read, and the run records both would-be writes with their values
    assert flow.shop.calls_made - calls_before == 1
    assert flow.mozello("a").stock == 0 and flow.mozello_variant("shirt", "S").stock == 1
    assert run.dry_run and run.status is StockSyncStatus.SUCCEEDED
    assert run.summary == {"would_update": 2}
    a, s = flow.result(run.id, "A"), flow.result(run.id, "S")
    assert (a.action, a.target, a.old_stock, a.new_stock) == ("would_update", "a", 0, 4)
    assert (s.action, s.target, s.old_stock, s.new_stock) == ("would_update", "var-S", 1, 2)


def test_a_run_after_a_dry_run_writes_exactly_what_the_dry_run_recorded():
    flow = stock_scenario(products=many_products(5))
    for n in range(5):
        flow.paytraq_product(f"P{n:04}", n)
    dry = flow.run(dry_run=True)
    real = flow.run()
    planned = {(r.sku, r.new_stock) for r in flow.results(dry.id) if r.action == "would_update"}
    written = {(r.sku, r.new_stock) for r in flow.results(real.id) if r.action == "updated"}
    assert planned == written == {(f"P{n:04}", n) for n in range(1, 5)}


def test_a_run_that_fails_after_the_first_batch_is_recorded_and_a_rerun_finishes_it(monkeypatch):
    # Given batches of 3 (Mozello's are 1,000), 5 changed products and a changed variant
    monkeypatch.setattr(sync_stock_handler, "BATCH_SIZE", 3)
    shirt = mozello_variant_product("shirt", mozello_variant("S", stock=0))
    flow = stock_scenario(products=(*many_products(5), shirt))
    for n in range(5):
        flow.paytraq_product(f"P{n:04}", 7)
    flow.paytraq_product("S", 3)

    def shop_fails_after_first_batch(done: int, total: int) -> None:
        if done == 3:
            flow.shop.fail_next(TransientError("Mozello blocked us for 60 s"))

    # When the second batch fails
    with pytest.raises(TransientError):
        flow.run(progress=shop_fails_after_first_batch)
    # Then the first batch is written, and the run says what was and was not
    [failed] = _runs(flow)
    assert failed.status is StockSyncStatus.FAILED and "blocked" in failed.error
    assert failed.summary == {"updated": 3, "error": 2, "not_attempted": 1}
    assert flow.actions(failed.id) == {"P0000": "updated", "P0001": "updated", "P0002": "updated",
                                       "P0003": "error", "P0004": "error", "S": "not_attempted"}
    assert sum(p.stock == 7 for p in flow.shop.products.values()) == 3
    # When the sync runs again
    batches_before = len(flow.shop.sku_batches)
    rerun = flow.run()
    # Then it writes only what is still different, and Mozello equals PayTraq
    assert rerun.status is StockSyncStatus.SUCCEEDED
    assert rerun.summary == {"unchanged": 3, "updated": 3}
    assert [[u.sku for u in b] for b in flow.shop.sku_batches[batches_before:]] == [
        ["P0003", "P0004"]]
    assert all(p.stock == 7 for p in flow.shop.products.values() if p.handle != "shirt")
    assert flow.mozello_variant("shirt", "S").stock == 3


def test_a_product_gone_from_mozello_fails_only_its_own_write():
    # Given two variant products, one deleted from Mozello between the read and the write
    one = mozello_variant_product("one", mozello_variant("S1", stock=0))
    two = mozello_variant_product("two", mozello_variant("S2", stock=0))
    flow = stock_scenario(products=(one, two))
    flow.paytraq_product("S1", 1)
    flow.paytraq_product("S2", 2)
    original_list = flow.shop.list_products

    def list_then_delete():
        products = list(original_list())
        del flow.shop.products["one"]
        return iter(products)

    flow.shop.list_products = list_then_delete
    # When synced
    run = flow.run()
    # Then the other product is written, and the run is failed naming the one error
    assert flow.mozello_variant("two", "S2").stock == 2
    assert run.status is StockSyncStatus.FAILED
    assert run.summary == {"error": 1, "updated": 1}
    failed = flow.result(run.id, "S1")
    assert failed.action == "error" and "no product one" in failed.message


def test_a_sku_the_batch_answer_refuses_is_an_error_in_the_sync_report():
    # Given two simple products, one deleted from Mozello between the read and the batch write
    flow = stock_scenario(products=(mozello_product("A1", stock=0), mozello_product("B2", stock=0)))
    flow.paytraq_product("A1", 1)
    flow.paytraq_product("B2", 2)
    original_list = flow.shop.list_products

    def list_then_delete():
        products = list(original_list())
        del flow.shop.products["uid-A1"]
        return iter(products)

    flow.shop.list_products = list_then_delete
    # When synced (one batch_update_by_sku call for both)
    run = flow.run()
    # Then the report shows B2 updated and A1 as an error with Mozello's reason, not "updated"
    assert run.summary == {"error": 1, "updated": 1}
    refused = flow.result(run.id, "A1")
    assert refused.action == "error" and "Mozello did not update it" in refused.message
    assert flow.result(run.id, "B2").action == "updated"


def test_a_second_run_of_the_same_channel_is_refused_while_one_runs():
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 4)
    refused: list[Exception] = []

    def try_a_second_run(done: int, total: int) -> None:
        if done == 0:
            with pytest.raises(StockSyncAlreadyRunning) as error:
                flow.run()
            refused.append(error.value)

    # When a second run starts while the first is writing
    first = flow.run(progress=try_a_second_run)
    # Then it was refused, the first finished, and the lock is free again
    assert len(refused) == 1
    assert first.status is StockSyncStatus.SUCCEEDED
    assert len(_runs(flow)) == 1
    assert flow.lock.holder(flow.channel_id) is None
    assert flow.run().summary == {"unchanged": 1}


def test_a_lock_left_by_a_crashed_run_expires():
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 4)
    now = flow.clock.current
    assert flow.lock.acquire(flow.channel_id, "crashed-worker", now, timedelta(minutes=5))
    with pytest.raises(StockSyncAlreadyRunning):
        flow.run()
    flow.clock.current = now + timedelta(minutes=6)
    assert flow.run().status is StockSyncStatus.SUCCEEDED


def test_the_lock_is_released_when_a_run_fails():
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 4)
    flow.shop.fail_next(TransientError("Mozello is down"))
    with pytest.raises(TransientError):
        flow.run()
    assert flow.lock.holder(flow.channel_id) is None
    assert _runs(flow)[0].status is StockSyncStatus.FAILED


def test_a_channel_without_a_warehouse_fails_the_run_with_the_reason():
    flow = stock_scenario(warehouse=None, products=(mozello_product("A", stock=0),))
    with pytest.raises(Exception, match="warehouse"):
        flow.run()
    [run] = _runs(flow)
    assert run.status is StockSyncStatus.FAILED and "warehouse" in run.error


def test_an_unknown_channel_is_refused():
    flow = stock_scenario()
    flow.channel_id = "no-such-shop"
    with pytest.raises(UnknownChannel):
        flow.run()


def _runs(flow):
    with flow.uow() as uow:
        return uow.stock_runs.list(flow.channel_id)


def test_a_run_keeps_rows_for_changes_and_problems_and_only_counts_what_needs_nothing():
    # Given a product out of date, one up to date, one missing in PayTraq, one not in Mozello
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),
                                    mozello_product("B", stock=3, handle="b"),
                                    mozello_product("C", stock=1, handle="c")))
    flow.paytraq_product("A", 4)
    flow.paytraq_product("B", 3)
    flow.paytraq_product("D", 9)
    # When synced
    run = flow.run()
    # Then the change and both problems have rows; the unchanged SKU is a count on the run
    assert flow.actions(run.id) == {"A": "updated", "C": "missing_in_paytraq",
                                    "D": "missing_in_mozello"}
    assert run.summary == {"updated": 1, "unchanged": 1, "missing_in_paytraq": 1,
                           "missing_in_mozello": 1}
