"""Syncing stock levels from PayTraq to Mozello through the handler, over in-memory fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal as D

from application.handlers import sync_stock as sync_stock_handler
from application.ports import MirroredProduct, StockSyncStatus
from domain.settings import StockSyncSettings
from tests.unit.stock.scenario import (
    CHANNEL,
    OTHER_WAREHOUSE,
    mozello_product,
    mozello_variant,
    mozello_variant_product,
    stock_scenario,
)


def test_mozello_shows_paytraq_stock_minus_approved_orders_of_the_warehouse():
    # Given 10 on hand, 3 in an approved order of the channel's warehouse, 4 in another's
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 10)
    flow.approved_order(A=3)
    flow.approved_order(warehouse=OTHER_WAREHOUSE, A=4)
    # When the stock is synced
    run = flow.run()
    # Then Mozello shows 7, and the run says so
    assert flow.mozello("a").stock == 7
    assert run.status is StockSyncStatus.SUCCEEDED
    result = flow.result(run.id, "A")
    assert (result.action, result.old_stock, result.new_stock) == ("updated", 0, 7)


def test_draft_orders_reserve_nothing():
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 10)
    sale_id = flow.approved_order(A=3)
    flow.accounting.sales[sale_id].status = "draft"
    flow.run()
    assert flow.mozello("a").stock == 10


def test_more_reserved_than_on_hand_shows_zero():
    flow = stock_scenario(products=(mozello_product("A", stock=5, handle="a"),))
    flow.paytraq_product("A", 2)
    flow.approved_order(A=6)
    flow.run()
    assert flow.mozello("a").stock == 0


def test_a_variant_sku_updates_that_variant_and_keeps_its_siblings():
    # Given a shirt with three variants in Mozello, only the small one out of date
    shirt = mozello_variant_product("shirt", mozello_variant("S", stock=1),
                                    mozello_variant("M", stock=2), mozello_variant("L", stock=None))
    flow = stock_scenario(products=(shirt,))
    for code, qty in (("S", 5), ("M", 2), ("L", 9)):
        flow.paytraq_product(code, qty)
    # When synced
    run = flow.run()
    # Then the small one shows 5, the others are as they were, and no batch by SKU was sent
    assert [(v.sku, v.stock) for v in flow.mozello("shirt").variants] == [
        ("S", 5), ("M", 2), ("L", None)]
    assert flow.shop.sku_batches == []
    # And the run keeps a row for the change only, and counts the others
    assert flow.actions(run.id) == {"S": "updated"}
    assert run.summary == {"updated": 1, "unchanged": 1, "untracked": 1}


def test_untracked_stock_is_left_untracked():
    flow = stock_scenario(products=(mozello_product("A", stock=None, handle="a"),))
    flow.paytraq_product("A", 4)
    run = flow.run()
    assert flow.mozello("a").stock is None
    assert run.summary == {"untracked": 1} and flow.results(run.id) == []


def test_untracked_stock_is_tracked_when_the_channel_asks():
    flow = stock_scenario(StockSyncSettings(track_untracked=True),
                          products=(mozello_product("A", stock=None, handle="a"),))
    flow.paytraq_product("A", 4)
    flow.run()
    assert flow.mozello("a").stock == 4


def test_a_second_run_writes_nothing_when_nothing_changed():
    # Given a first run brought Mozello in line
    flow = stock_scenario(products=(mozello_product("A", stock=0), mozello_product("B", stock=0)))
    flow.paytraq_product("A", 4)
    flow.paytraq_product("B", 5)
    flow.run()
    calls_before, batches_before = flow.shop.calls_made, len(flow.shop.sku_batches)
    # When it runs again
    run = flow.run()
    # Then the only Mozello call is the catalogue read, and every SKU is unchanged
    assert flow.shop.calls_made - calls_before == 1
    assert len(flow.shop.sku_batches) == batches_before
    assert run.summary == {"unchanged": 2}


def test_only_changed_skus_are_sent():
    flow = stock_scenario(products=(mozello_product("SAME", stock=4), mozello_product("NEW", stock=1)))
    flow.paytraq_product("SAME", 4)
    flow.paytraq_product("NEW", 3)
    flow.run()
    assert [[u.sku for u in batch] for batch in flow.shop.sku_batches] == [["NEW"]]


def test_a_duplicate_sku_is_reported_and_neither_item_is_written():
    # Given SKU A on a product and on another product's variant
    flow = stock_scenario(products=(
        mozello_product("A", stock=1, handle="a"),
        mozello_variant_product("shirt", mozello_variant("A", stock=1)),
    ))
    flow.paytraq_product("A", 9)
    # When synced
    run = flow.run()
    # Then nothing is written and the run names both places
    assert flow.mozello("a").stock == 1
    assert flow.mozello_variant("shirt", "A").stock == 1
    result = flow.result(run.id, "A")
    assert result.action == "duplicate"
    assert "a" in result.target.split(",") and "var-A" in result.target.split(",")


def test_a_code_twice_in_paytraq_is_reported_and_not_written():
    flow = stock_scenario(products=(mozello_product("A", stock=1, handle="a"),))
    flow.paytraq_product("A", 9)
    flow.accounting.add_product("A-again", "A second product coded A", stock={"1": D(4)})
    flow.accounting.products["A-again"].code = "A"
    run = flow.run()
    assert flow.mozello("a").stock == 1
    assert flow.result(run.id, "A").action == "duplicate"


def test_skus_missing_on_either_side_are_reported():
    flow = stock_scenario(products=(mozello_product("ONLY-MOZELLO", stock=2),))
    flow.paytraq_product("ONLY-PAYTRAQ", 4)
    run = flow.run()
    assert flow.actions(run.id) == {"ONLY-MOZELLO": "missing_in_paytraq",
                                    "ONLY-PAYTRAQ": "missing_in_mozello"}
    assert flow.shop.sku_batches == []


def test_the_run_is_stored_with_a_summary_of_every_outcome():
    flow = stock_scenario(products=(
        mozello_product("SAME", stock=1), mozello_product("NEW", stock=1),
        mozello_product("GONE", stock=1), mozello_product("FREE", stock=None)))
    for code, qty in (("SAME", 1), ("NEW", 2), ("FREE", 3), ("EXTRA", 1)):
        flow.paytraq_product(code, qty)
    run = flow.run()
    stored = flow.stored_run(run.id)
    assert stored == run
    assert stored.summary == {"unchanged": 1, "updated": 1, "missing_in_paytraq": 1,
                              "untracked": 1, "missing_in_mozello": 1}
    assert stored.finished_at is not None and not stored.dry_run


def test_changes_by_sku_go_in_batches_of_the_batch_size(monkeypatch):
    # Given a batch size of 2 (Mozello's is 1,000) and five changed products
    monkeypatch.setattr(sync_stock_handler, "BATCH_SIZE", 2)
    flow = stock_scenario(products=tuple(mozello_product(f"P{n}", stock=0) for n in range(5)))
    for n in range(5):
        flow.paytraq_product(f"P{n}", 1)
    # When synced
    flow.run()
    # Then three batch calls carry them
    assert [len(batch) for batch in flow.shop.sku_batches] == [2, 2, 1]
    assert all(p.stock == 1 for p in flow.shop.products.values())


def test_the_batch_size_is_mozellos_limit():
    assert sync_stock_handler.BATCH_SIZE == 1000


def test_progress_is_reported_as_skus_are_written():
    shirt = mozello_variant_product("shirt", mozello_variant("S", stock=0))
    flow = stock_scenario(products=(mozello_product("A", stock=0), mozello_product("B", stock=0),
                                    shirt))
    for code in ("A", "B", "S"):
        flow.paytraq_product(code, 1)
    seen: list[tuple[int, int]] = []
    flow.run(progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 3), (2, 3), (3, 3)]


def test_a_variant_write_sends_the_listed_variants_without_reading_the_product_again():
    # Given a shirt whose small size is out of date
    shirt = mozello_variant_product("shirt", mozello_variant("S", stock=1),
                                    mozello_variant("M", stock=2))
    flow = stock_scenario(products=(shirt,))
    flow.paytraq_product("S", 5)
    flow.paytraq_product("M", 2)
    calls_before = flow.shop.calls_made
    # When synced
    flow.run()
    # Then Mozello was called twice: the listing and the write
    assert flow.shop.calls_made - calls_before == 2
    assert [(v.sku, v.stock) for v in flow.mozello("shirt").variants] == [("S", 5), ("M", 2)]


def test_a_product_changed_after_the_listing_is_read_again_so_a_new_variant_is_kept():
    # Given a shirt out of date, and a size added in Mozello right after the sync listed it
    # (its product webhook has reached the catalogue mirror)
    shirt = mozello_variant_product("shirt", mozello_variant("S", stock=1))
    flow = stock_scenario(products=(shirt,))
    flow.paytraq_product("S", 5)
    listed = flow.shop.list_products

    def list_then_add_a_size():
        products = list(listed())
        grown = replace(shirt, variants=(*shirt.variants, mozello_variant("XL", stock=7)))
        flow.shop.products["shirt"] = grown
        with flow.uow() as uow:
            uow.catalogue.put(CHANNEL, MirroredProduct("shirt", "", None, "2026-02-02 06:00:05",
                                                       {}))
            uow.commit()
        return iter(products)

    flow.shop.list_products = list_then_add_a_size
    # When synced
    flow.run()
    # Then the small size is written and the new size is still there
    assert [(v.sku, v.stock) for v in flow.mozello("shirt").variants] == [("S", 5), ("XL", 7)]


def test_the_sync_fills_the_shared_sku_cache_so_an_order_costs_no_product_look_up():
    # Given a PayTraq product in the channel's warehouse
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 10)
    # When the stock is synced
    flow.run()
    # Then its ItemID is in the shared SKU cache, as fresh as the sync
    with flow.uow() as uow:
        assert uow.sku_cache.get(CHANNEL, "A", not_before=flow.clock.now() - timedelta(hours=1)) \
            == flow.accounting.products["A"].item_id
