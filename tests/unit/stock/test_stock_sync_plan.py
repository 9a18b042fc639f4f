"""The stock sync's pure decision (domain/stock_sync.py): what is written, what is reported."""

from __future__ import annotations

from decimal import Decimal as D

from domain.settings import StockSyncSettings
from domain.stock_sync import (
    CatalogueProduct,
    CatalogueVariant,
    Outcome,
    plan_stock_sync,
)


def product(sku: str, stock: int | None = 5, price: str | None = "10.00",
            sale_price: str | None = None, handle: str | None = None,
            variants: tuple[CatalogueVariant, ...] = ()) -> CatalogueProduct:
    return CatalogueProduct(handle or f"uid-{sku}", sku, stock, _d(price), _d(sale_price), variants)


def variant(sku: str, stock: int | None = 5, price: str | None = "10.00",
            sale_price: str | None = None) -> CatalogueVariant:
    return CatalogueVariant(f"var-{sku}", sku, stock, _d(price), _d(sale_price))


def _d(value: str | None) -> D | None:
    return None if value is None else D(value)


def outcome_of(plan, sku):
    [decision] = [d for d in plan.decisions if d.sku == sku]
    return decision


def test_available_is_on_hand_minus_reserved():
    # Given 10 on hand and 3 in approved orders, Mozello showing 5
    # When planned
    plan = plan_stock_sync([("A", D(10))], {"A": D(3)}, [product("A", stock=5)])
    # Then Mozello is told 7
    decision = outcome_of(plan, "A")
    assert decision.outcome is Outcome.UPDATE
    assert (decision.old_stock, decision.new_stock) == (5, 7)


def test_more_reserved_than_on_hand_is_written_as_zero_never_negative():
    plan = plan_stock_sync([("A", D(2))], {"A": D(5)}, [product("A", stock=4)])
    assert outcome_of(plan, "A").new_stock == 0


def test_a_fraction_of_a_unit_is_not_sellable():
    plan = plan_stock_sync([("A", D("3.75"))], {}, [product("A", stock=1)])
    assert outcome_of(plan, "A").new_stock == 3


def test_an_unchanged_sku_produces_no_write():
    # Given Mozello already shows PayTraq's quantity and price
    plan = plan_stock_sync([("A", D(5))], {}, [product("A", stock=5, price="10.00")],
                           prices=[("A", D("10.0000"))])
    # Then nothing is written and the SKU is reported unchanged
    assert outcome_of(plan, "A").outcome is Outcome.UNCHANGED
    assert plan.writes == ()


def test_only_the_changed_field_is_written():
    plan = plan_stock_sync([("A", D(5)), ("B", D(9))], {},
                           [product("A", stock=5, price="10.00"), product("B", stock=5)],
                           prices=[("A", D("12.50")), ("B", D("10.00"))])
    a, b = outcome_of(plan, "A"), outcome_of(plan, "B")
    assert (a.new_stock, a.new_price) == (None, D("12.50"))
    assert (b.new_stock, b.new_price) == (9, None)


def test_prices_are_not_touched_when_no_price_list_is_given():
    plan = plan_stock_sync([("A", D(5))], {}, [product("A", stock=5, price="99.00")])
    assert outcome_of(plan, "A").outcome is Outcome.UNCHANGED


def test_a_price_is_compared_and_written_to_the_cent():
    # Given PayTraq's price 9.995 and Mozello's 10.00 (Mozello keeps cents)
    plan = plan_stock_sync([("A", D(5))], {}, [product("A", stock=5, price="10.00")],
                           prices=[("A", D("9.995"))])
    assert outcome_of(plan, "A").outcome is Outcome.UNCHANGED
    plan = plan_stock_sync([("A", D(5))], {}, [product("A", stock=5, price="10.00")],
                           prices=[("A", D("9.994"))])
    assert outcome_of(plan, "A").new_price == D("9.99")


def test_the_sale_price_is_left_alone_by_default():
    # Given a product on sale in Mozello and a new price in the price group
    catalogue = [product("A", stock=5, price="10.00", sale_price="8.00")]
    plan = plan_stock_sync([("A", D(5))], {}, catalogue, prices=[("A", D("11.00"))])
    # Then only the regular price changes
    decision = outcome_of(plan, "A")
    assert (decision.new_price, decision.new_sale_price) == (D("11.00"), None)


def test_the_sale_price_follows_the_price_group_when_the_channel_asks():
    catalogue = [product("A", stock=5, price="10.00", sale_price="8.00")]
    settings = StockSyncSettings(sync_prices=True, price_group_id="G", sync_sale_price=True)
    plan = plan_stock_sync([("A", D(5))], {}, catalogue, prices=[("A", D("11.00"))],
                           settings=settings)
    assert outcome_of(plan, "A").new_sale_price == D("11.00")


def test_a_variant_sku_updates_that_variant_grouped_under_its_product():
    # Given a product with two variants, one of them out of date
    shirt = product("SHIRT", stock=None, handle="shirt",
                    variants=(variant("SHIRT-S", stock=1), variant("SHIRT-M", stock=4)))
    # When planned
    plan = plan_stock_sync([("SHIRT-S", D(3)), ("SHIRT-M", D(4))], {}, [shirt])
    # Then one variant write under the product's handle, no product write
    assert plan.product_writes == ()
    [(handle, writes)] = plan.variant_writes.items()
    assert handle == "shirt"
    assert [(w.target, w.new_stock) for w in writes] == [("var-SHIRT-S", 3)]
    assert outcome_of(plan, "SHIRT-M").outcome is Outcome.UNCHANGED


def test_a_product_sku_updates_the_product():
    plan = plan_stock_sync([("A", D(3))], {}, [product("A", stock=1, handle="a")])
    assert [(w.target, w.new_stock) for w in plan.product_writes] == [("a", 3)]
    assert plan.variant_writes == {}


def test_the_own_sku_of_a_product_with_variants_is_skipped():
    shirt = product("SHIRT", stock=None, variants=(variant("SHIRT-S", stock=1),))
    plan = plan_stock_sync([("SHIRT", D(3)), ("SHIRT-S", D(1))], {}, [shirt])
    assert outcome_of(plan, "SHIRT").outcome is Outcome.SKIPPED
    assert plan.writes == ()


def test_untracked_stock_stays_untracked_by_default():
    plan = plan_stock_sync([("A", D(3))], {}, [product("A", stock=None)])
    assert outcome_of(plan, "A").outcome is Outcome.UNTRACKED
    assert plan.writes == ()


def test_untracked_stock_keeps_its_price_in_sync():
    plan = plan_stock_sync([("A", D(3))], {}, [product("A", stock=None, price="1.00")],
                           prices=[("A", D("2.00"))])
    decision = outcome_of(plan, "A")
    assert decision.outcome is Outcome.UPDATE
    assert (decision.new_stock, decision.new_price) == (None, D("2.00"))
    assert "left untracked" in decision.reason


def test_untracked_stock_becomes_tracked_when_the_channel_asks():
    settings = StockSyncSettings(track_untracked=True)
    plan = plan_stock_sync([("A", D(3))], {}, [product("A", stock=None)], settings=settings)
    assert outcome_of(plan, "A").new_stock == 3


def test_a_sku_on_two_mozello_items_is_reported_and_never_written():
    catalogue = [product("A", stock=1, handle="one"),
                 product("X", stock=None, handle="two", variants=(variant("A", stock=1),))]
    plan = plan_stock_sync([("A", D(9)), ("X", D(1))], {}, catalogue)
    decision = outcome_of(plan, "A")
    assert decision.outcome is Outcome.DUPLICATE
    assert "one" in decision.reason and "var-A" in decision.reason
    assert all(w.sku != "A" for w in plan.writes)


def test_a_code_twice_in_paytraq_is_reported_and_never_written():
    plan = plan_stock_sync([("A", D(9)), ("A", D(2))], {}, [product("A", stock=1)])
    assert outcome_of(plan, "A").outcome is Outcome.DUPLICATE
    assert plan.writes == ()


def test_a_code_twice_in_the_price_group_is_reported_and_never_written():
    plan = plan_stock_sync([("A", D(9))], {}, [product("A", stock=1)],
                           prices=[("A", D(1)), ("A", D(2))])
    assert outcome_of(plan, "A").outcome is Outcome.DUPLICATE


def test_skus_missing_on_either_side_are_reported():
    plan = plan_stock_sync([("ONLY-PT", D(4))], {}, [product("ONLY-MZ", stock=2)])
    assert outcome_of(plan, "ONLY-PT").outcome is Outcome.MISSING_IN_MOZELLO
    assert outcome_of(plan, "ONLY-PT").new_stock == 4
    assert outcome_of(plan, "ONLY-MZ").outcome is Outcome.MISSING_IN_PAYTRAQ
    assert plan.writes == ()


def test_mozello_items_without_a_sku_are_not_matched():
    plan = plan_stock_sync([("A", D(4))], {}, [product("", stock=2), product("A", stock=4)])
    assert [d.sku for d in plan.decisions] == ["A"]


def test_the_summary_counts_every_outcome():
    catalogue = [product("SAME", stock=1), product("NEW", stock=1), product("GONE", stock=1)]
    plan = plan_stock_sync([("SAME", D(1)), ("NEW", D(2)), ("EXTRA", D(1))], {}, catalogue)
    assert plan.summary() == {"unchanged": 1, "update": 1, "missing_in_paytraq": 1,
                              "missing_in_mozello": 1}
