"""One contract for the ShopPort, run against FakeShop and against MozelloClient + sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from application.errors import AuthenticationFailed, NotFound, PermanentError
from application.ports import SkuUpdate, VariantUpdate

pytestmark = pytest.mark.integration

SWEATER = "uid-5102301"


def stock_by_sku(shop) -> dict[str, int | None]:
    found = {}
    for product in shop.list_products():
        if product.sku:
            found[product.sku] = product.stock
        for variant in product.variants:
            found[variant.sku] = variant.stock
    return found


def option_handles(product) -> dict[str, tuple]:
    return {v["variant_handle"]: (v["option_value_handle1"], v["option_value_handle2"],
                                  v["option_value_handle3"]) for v in product.raw["variants"]}


# --- reading the catalogue ------------------------------------------------------------------


def test_list_products_returns_every_product_with_its_variants(arm):
    products = {p.handle: p for p in arm.shop.list_products()}
    assert set(products) == {"uid-5102234", "uid-5102235", "uid-5103004", SWEATER}
    assert [v.sku for v in products[SWEATER].variants] == [
        "SW-200-BL-S", "SW-200-BL-M", "SW-200-GR-M"]


def test_get_product_gives_stock_and_exact_decimal_prices(arm):
    towel = arm.shop.get_product("uid-5102234")
    assert (towel.sku, towel.stock, towel.price) == ("TT-100", 40, Decimal("24.20"))
    assert type(towel.price) is Decimal


def test_a_product_with_untracked_stock_has_stock_none(arm):
    assert arm.shop.get_product("uid-5103004").stock is None


def test_get_product_gives_variant_handles_skus_stock_and_prices(arm):
    sweater = arm.shop.get_product(SWEATER)
    assert [(v.handle, v.sku, v.stock, v.price) for v in sweater.variants] == [
        ("uid-2050", "SW-200-BL-S", 4, Decimal(39)),
        ("uid-2051", "SW-200-BL-M", 6, Decimal(39)),
        ("uid-2053", "SW-200-GR-M", 3, Decimal("42.50")),
    ]


def test_an_unknown_product_is_not_found(arm):
    with pytest.raises(NotFound):
        arm.shop.get_product("uid-does-not-exist")


# --- writing stock and prices ---------------------------------------------------------------


def test_update_by_sku_changes_only_the_named_skus(arm):
    # Given the catalogue's stock
    before = stock_by_sku(arm.shop)
    # When two SKUs get new stock
    answer = arm.shop.update_by_sku([SkuUpdate("TT-100", stock=7), SkuUpdate("LN-204", stock=0)])
    # Then exactly those two changed, in one call, and Mozello refused none
    after = stock_by_sku(arm.shop)
    assert (answer.calls, answer.failed) == (1, ())
    assert after == {**before, "TT-100": 7, "LN-204": 0}


def test_update_by_sku_sets_an_exact_price_and_leaves_stock_alone(arm):
    arm.shop.update_by_sku([SkuUpdate("LN-204", price=Decimal("19.99"))])
    napkins = arm.shop.get_product("uid-5102235")
    assert (napkins.price, napkins.stock) == (Decimal("19.99"), 25)


def test_update_by_sku_with_a_variant_sku_changes_only_that_variant(arm):
    arm.shop.update_by_sku([SkuUpdate("SW-200-BL-M", stock=2)])
    assert [v.stock for v in arm.shop.get_product(SWEATER).variants] == [4, 2, 3]


def test_update_by_sku_of_2500_items_takes_three_calls(arm):
    updates = [SkuUpdate(f"NOPE-{n}", stock=1) for n in range(2499)] + [
        SkuUpdate("TT-100", stock=3)]
    assert arm.shop.update_by_sku(updates).calls == 3
    assert arm.shop.get_product("uid-5102234").stock == 3


def test_update_by_sku_reports_each_sku_mozello_did_not_take(arm):
    # Given one known and one unknown SKU
    # When both are updated
    answer = arm.shop.update_by_sku([SkuUpdate("TT-100", stock=4), SkuUpdate("GONE-1", stock=1)])
    # Then the answer names the unknown SKU with a reason, and the known one changed
    assert [sku for sku, _ in answer.failed] == ["GONE-1"]
    assert answer.failure_of("GONE-1") and answer.failure_of("TT-100") is None
    assert arm.shop.get_product("uid-5102234").stock == 4


def test_update_variants_changes_the_targeted_variant_and_keeps_the_others_intact(arm):
    # Given the sweater's three variants with their option values
    before = arm.shop.get_product(SWEATER)
    # When one variant gets new stock and price
    arm.shop.update_variants(SWEATER, [VariantUpdate("uid-2051", stock=0, price=Decimal("41"))])
    # Then that variant changed, and no variant, handle, SKU or option value was lost
    after = arm.shop.get_product(SWEATER)
    assert [(v.handle, v.sku, v.stock, v.price) for v in after.variants] == [
        ("uid-2050", "SW-200-BL-S", 4, Decimal(39)),
        ("uid-2051", "SW-200-BL-M", 0, Decimal(41)),
        ("uid-2053", "SW-200-GR-M", 3, Decimal("42.50")),
    ]
    assert option_handles(after) == option_handles(before)


def test_update_variants_from_the_listing_keeps_every_variant_and_option(arm):
    # Given the sweater as the catalogue listing shows it
    (listed,) = [p for p in arm.shop.list_products() if p.handle == SWEATER]
    # When one variant is written from the listing (no read of the product first)
    arm.shop.update_variants(SWEATER, [VariantUpdate("uid-2053", stock=8)], listed)
    # Then that variant changed and the others, with their option values, are intact
    after = arm.shop.get_product(SWEATER)
    assert [(v.handle, v.stock) for v in after.variants] == [
        ("uid-2050", 4), ("uid-2051", 6), ("uid-2053", 8)]
    assert option_handles(after) == option_handles(listed)


def test_update_variants_of_an_unknown_variant_is_refused_and_changes_nothing(arm):
    before = arm.shop.get_product(SWEATER)
    with pytest.raises(NotFound):
        arm.shop.update_variants(SWEATER, [VariantUpdate("uid-9999", stock=1)])
    assert arm.shop.get_product(SWEATER).variants == before.variants


def test_update_product_sets_stock_and_price(arm):
    arm.shop.update_product("uid-5102234", stock=12, price=Decimal("25.00"))
    towel = arm.shop.get_product("uid-5102234")
    assert (towel.stock, towel.price) == (12, Decimal("25.00"))


def test_update_product_of_an_unknown_product_is_not_found(arm):
    with pytest.raises(NotFound):
        arm.shop.update_product("uid-does-not-exist", stock=1)


# --- orders ---------------------------------------------------------------------------------


def test_orders_created_since_returns_only_orders_created_at_or_after_the_moment(arm):
    # Given orders on three days
    first = arm.add_order(datetime(2026, 1, 10, 8, 0, 0, tzinfo=UTC))
    second = arm.add_order(datetime(2026, 1, 11, 8, 0, 0, tzinfo=UTC))
    third = arm.add_order(datetime(2026, 1, 12, 8, 0, 0, tzinfo=UTC))
    # When asked for orders created since the second one
    since = [o.order.order_id for o in arm.shop.orders_created_since(
        datetime(2026, 1, 11, 8, 0, 0, tzinfo=UTC))]
    everything = [o.order.order_id for o in arm.shop.orders_created_since(None)]
    # Then
    assert since == [second, third]
    assert everything == [first, second, third]


def test_get_order_returns_the_sales_order(arm):
    order_id = arm.add_order(datetime(2026, 1, 10, 8, 0, 0, tzinfo=UTC))
    shop_order = arm.shop.get_order(order_id)
    assert shop_order.order.order_id == order_id
    assert shop_order.order.total == Decimal("24.2")
    assert shop_order.order.lines[0].sku == "TT-100"


def test_get_order_of_an_unknown_order_is_not_found(arm):
    with pytest.raises(NotFound):
        arm.shop.get_order("M-1-404")


# --- key and notifications ------------------------------------------------------------------


def test_a_valid_key_validates_and_reads_what_a_bad_key_cannot(arm):
    # validate_key() raises AuthenticationFailed for a bad key (next test); a good one passes
    arm.shop.validate_key()
    assert arm.shop.get_product("uid-5102234").sku == "TT-100"


def test_a_bad_key_fails_authentication(arm):
    shop = arm.bad_key_shop()
    with pytest.raises(AuthenticationFailed):
        shop.validate_key()
    with pytest.raises(AuthenticationFailed):
        shop.get_product("uid-5102234")


def test_notification_settings_read_back_as_set(arm):
    arm.shop.set_notifications("https://inbox.example.com/hooks/mozello/abc",
                               ["ORDER_CREATED", "PAYMENT_CHANGED"])
    assert arm.shop.get_notifications() == (
        "https://inbox.example.com/hooks/mozello/abc", ["ORDER_CREATED", "PAYMENT_CHANGED"])


def test_notifications_can_be_switched_off(arm):
    arm.shop.set_notifications("https://inbox.example.com/h", ["ORDER_CREATED"])
    arm.shop.set_notifications(None, [])
    assert arm.shop.get_notifications() == (None, [])


def test_an_unknown_notification_event_is_refused(arm):
    with pytest.raises(PermanentError):
        arm.shop.set_notifications("https://inbox.example.com/h", ["ORDER_UPDATED"])


def test_every_call_is_counted(arm):
    before = arm.shop.calls_made
    arm.shop.get_product("uid-5102234")
    arm.shop.update_variants(SWEATER, [VariantUpdate("uid-2050", stock=1)])
    assert arm.shop.calls_made - before == 3
