"""Webhook bodies (spec §9) become domain SalesOrders with exact Decimal amounts."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.mozello.notifications import InvalidNotification, parse_notification
from domain.orders import Address, OrderDiscount, PaymentStatus, Shipping

FIXTURES = Path(__file__).parents[2] / "fixtures" / "mozello"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def php_escaped(body: bytes) -> bytes:
    """The same JSON as Mozello sends it: `\\/` and `\\uXXXX`, no spaces."""
    import json

    from adapters.mozello import wire

    return wire.encode(json.loads(body, parse_float=Decimal), php_style=True)


# --- the three constructed examples of §9 ---------------------------------------------------


def test_simple_order_created_becomes_a_pending_sales_order_with_exact_amounts():
    # Given the §9.1 ORDER_CREATED body
    body = fixture("order_created_simple.json")
    # When it is parsed
    notification = parse_notification(body)
    # Then the order carries the buyer, one line and the totals as Decimal
    order = notification.order
    assert notification.event == "ORDER_CREATED"
    assert notification.order_id == "M-1234567-101"
    assert order.created_at == datetime(2026, 1, 15, 9, 12, 44, tzinfo=UTC)
    assert order.payment_status is PaymentStatus.PENDING
    assert order.currency == "EUR"
    assert order.customer.name == "Anna Bērziņa"
    assert order.customer.email == "anna@example.com"
    assert order.customer.phone == "+371 20000001"
    assert not order.customer.is_company
    assert order.customer.billing_address == Address(
        address="Brīvības iela 1-2", city="Rīga", zip="LV-1010", country_code="LV"
    )
    assert order.delivery_address is None
    assert order.shipping is None
    assert order.discount is None
    assert order.payment_method == "gateway"
    (line,) = order.lines
    assert line.sku == "TT-100"
    assert line.name == "Linen tea towel, TT-100"
    assert line.quantity == Decimal(1)
    assert line.unit_price == Decimal("24.2")
    assert line.vat_rate == Decimal(21)
    assert line.price_includes_vat is True
    assert line.product_handle == "uid-5102234"
    assert line.variant_handle is None
    assert line.variant == ()
    assert (order.subtotal, order.taxes, order.total) == (
        Decimal("24.2"), Decimal("4.2"), Decimal("24.2")
    )
    assert notification.raw_order["order_id"] == "M-1234567-101"


def test_every_amount_is_a_decimal_never_a_float():
    order = parse_notification(fixture("payment_changed_variant_shipping_discount.json")).order
    amounts = [order.subtotal, order.taxes, order.total, order.shipping.price,
               order.discount.amount, order.shipping.vat_rate]
    for line in order.lines:
        amounts += [line.quantity, line.unit_price, line.vat_rate]
    assert all(type(amount) is Decimal for amount in amounts)


def test_paid_company_order_has_variant_line_shipping_discount_and_delivery_address():
    # Given the §9.2 PAYMENT_CHANGED body
    notification = parse_notification(fixture("payment_changed_variant_shipping_discount.json"))
    order = notification.order
    # Then
    assert notification.event == "PAYMENT_CHANGED"
    assert order.is_paid
    assert order.customer.company == "Kalniņš un Partneri SIA"
    assert order.customer.registration_number == "40003123456"
    assert order.customer.vat_number == "LV40003123456"
    assert order.customer.is_company
    assert order.delivery_address == Address(
        address="Rīgas iela 5", city="Jūrmala", zip="LV-2015", country_code="LV"
    )
    assert order.notes == "Please call before delivery"
    assert order.payment_method == "paypal"
    assert order.shipping == Shipping(
        method="omniva-latvija", price=Decimal("3.63"), vat_rate=Decimal(21)
    )
    assert order.discount == OrderDiscount(code="WINTER10", amount=Decimal("8.75"))
    sweater, socks = order.lines
    assert sweater.variant == ("Blue", "M")
    assert sweater.variant_handle == "uid-2051"
    assert sweater.quantity == Decimal(2)
    assert sweater.unit_price == Decimal(39)
    assert socks.unit_price == Decimal("9.5")
    assert (order.subtotal, order.taxes, order.total) == (
        Decimal("87.5"), Decimal("14.3"), Decimal("82.38")
    )


def test_dispatched_order_is_archived_and_keeps_three_lines():
    notification = parse_notification(fixture("dispatch_changed_per_line_rounding.json"))
    order = notification.order
    assert notification.event == "DISPATCH_CHANGED"
    assert order.dispatched and order.archived
    assert [line.sku for line in order.lines] == ["NB-A5", "PS-3", "BM-1"]
    assert order.lines[1].unit_price == Decimal(6)
    assert (order.taxes, order.total) == (Decimal("3.82"), Decimal(22))


@pytest.mark.parametrize("name", [
    "order_created_simple.json",
    "payment_changed_variant_shipping_discount.json",
    "dispatch_changed_per_line_rounding.json",
])
def test_php_escaped_bodies_parse_to_the_same_order(name):
    # Given the same body with `\/` and `\uXXXX` escapes
    pretty, escaped = fixture(name), php_escaped(fixture(name))
    assert b"\\u01" in escaped  # ā, ē, ī … written as \\u01xx escapes
    assert b"\\/" in escaped
    # Then both parse to equal orders
    assert parse_notification(escaped).order == parse_notification(pretty).order


# --- lenient inputs -------------------------------------------------------------------------


MINIMAL = (
    b'{"event":"ORDER_CREATED","order":{"order_id":"M-1-1","created_at":"2026-02-01 10:00:00",'
    b'"payment_status":"pending","subtotal":"11","total":"11.00","cart":[{"product_sku":"A",'
    b'"product_price":"11","product_quantity":1}]}}'
)


def test_string_prices_and_missing_optional_fields_are_accepted():
    # Given an order with string amounts and most fields left out
    order = parse_notification(MINIMAL).order
    # Then the missing texts are empty, the strings are exact Decimals
    assert order.total == Decimal("11.00")
    assert order.lines[0].unit_price == Decimal(11)
    assert order.lines[0].vat_rate == Decimal(0)
    assert order.lines[0].price_includes_vat is True
    assert order.customer.name == "" and order.customer.billing_address == Address()
    assert order.taxes == Decimal(0)
    assert order.shipping is None and order.discount is None


def test_nulls_in_optional_fields_are_read_as_empty():
    body = (
        b'{"event":"ORDER_CREATED","order":{"order_id":"M-1-2","created_at":"2026-02-01 10:00:00",'
        b'"payment_status":"paid","name":null,"company":null,"email":null,"shipping":null,'
        b'"notes":null,"payment_method":null,"shipping_method":null,"shipping_price":null,'
        b'"discount_code":null,"discount_amount":null,"taxes":null,"subtotal":5,"total":5,'
        b'"dispatched":null,"cart":[{"product_handle":null,"product_sku":null,"product_name":null,'
        b'"product_variant":null,"product_variant_handle":null,"product_price":5,'
        b'"product_quantity":1,"tax_inclusive_percent":null,"tax_exclusive_percent":null}]}}'
    )
    order = parse_notification(body).order
    assert order.customer.name == "" and order.notes == "" and order.payment_method == ""
    assert order.dispatched is False
    assert order.lines[0].sku == "" and order.lines[0].product_handle is None
    assert order.lines[0].vat_rate == Decimal(0)


def test_exclusive_tax_rate_marks_the_line_and_shipping_as_net_prices():
    body = (
        b'{"event":"ORDER_CREATED","order":{"order_id":"M-1-3","created_at":"2026-02-01 10:00:00",'
        b'"payment_status":"pending","subtotal":100,"taxes":23.1,"total":133.1,'
        b'"shipping_method":"omniva-latvija","shipping_price":10,'
        b'"shipping_tax_inclusive_percent":null,"shipping_tax_exclusive_percent":21,'
        b'"cart":[{"product_sku":"A","product_price":50,"product_quantity":2,'
        b'"tax_inclusive_percent":0,"tax_exclusive_percent":21}]}}'
    )
    order = parse_notification(body).order
    assert order.lines[0].vat_rate == Decimal(21)
    assert order.lines[0].price_includes_vat is False
    assert order.shipping.price_includes_vat is False
    assert not order.prices_include_vat


def test_shipping_method_without_price_is_kept_as_free_shipping():
    body = MINIMAL.replace(b'"total"', b'"shipping_method":"pickup","total"')
    order = parse_notification(body).order
    assert order.shipping == Shipping(method="pickup", price=Decimal(0), vat_rate=Decimal(0))


def test_unknown_keys_are_ignored_at_every_level():
    body = MINIMAL.replace(b'"product_quantity":1', b'"product_quantity":1,"new_field":{"x":1}')
    body = body.replace(b'"order_id"', b'"brand_new":[1,2],"order_id"')
    body = body.replace(b'"event"', b'"delivery_id":"abc","event"')
    assert parse_notification(body).order.order_id == "M-1-1"


def test_abbreviated_payment_changed_keeps_the_raw_order_for_a_fetch():
    # Given the official abbreviated example: only id and status
    body = b'{"event":"PAYMENT_CHANGED","order":{"order_id":"M-1234567-42","payment_status":"paid"}}'
    # When parsed
    notification = parse_notification(body)
    # Then there is no SalesOrder, but the handler can fetch the order by its id
    assert notification.order is None
    assert notification.order_id == "M-1234567-42"
    assert notification.raw_order == {"order_id": "M-1234567-42", "payment_status": "paid"}


def test_product_deleted_with_string_price_becomes_a_shop_product():
    body = (
        b'{"event":"PRODUCT_DELETED","product":{"handle":"book-5","title":null,"price":"11",'
        b'"sale_price":null,"sku":"B-5","stock":null,"category":{"path":[]}}}'
    )
    notification = parse_notification(body)
    product = notification.product
    assert notification.event == "PRODUCT_DELETED" and notification.order is None
    assert product.handle == "book-5" and product.sku == "B-5"
    assert product.price == Decimal(11) and product.sale_price is None
    assert product.stock is None
    assert product.raw["handle"] == "book-5"


def test_stock_changed_carries_the_product_with_its_variants():
    body = (
        b'{"event":"STOCK_CHANGED","product":{"handle":"uid-1","sku":"","stock":null,'
        b'"price":39,"variants":[{"variant_no":1,"variant_handle":"uid-11","sku":"SW-S",'
        b'"stock":3,"price":null},{"variant_no":2,"variant_handle":"uid-12","sku":"SW-M",'
        b'"stock":"0","price":"41.50","sale_price":39.9}]}}'
    )
    product = parse_notification(body).product
    small, medium = product.variants
    assert (small.handle, small.sku, small.stock, small.price) == ("uid-11", "SW-S", 3, None)
    assert (medium.stock, medium.price, medium.sale_price) == (0, Decimal("41.50"), Decimal("39.9"))


# --- clear errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("body, reason", [
    (b"<html>502 Bad Gateway</html>", "not JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"event":"ORDER_UPDATED","order":{"order_id":"M-1"}}', "unknown Mozello event"),
    (b'{"order":{"order_id":"M-1"}}', "unknown Mozello event"),
    (b'{"event":"ORDER_CREATED"}', "no order"),
    (b'{"event":"ORDER_CREATED","order":{"payment_status":"paid"}}', "no order"),
    (b'{"event":"PRODUCT_CHANGED","product":"uid-1"}', "no product"),
    (b'{"event":"PRODUCT_CHANGED","product":{"price":1}}', "handle"),
    (b"\xff\xfe", "not JSON"),
])
def test_a_body_that_is_not_a_mozello_notification_raises_one_clear_error(body, reason):
    with pytest.raises(InvalidNotification, match=reason):
        parse_notification(body)


def test_an_unknown_payment_status_is_refused_with_its_field_named():
    body = MINIMAL.replace(b'"pending"', b'"refunded"')
    with pytest.raises(InvalidNotification, match="payment_status"):
        parse_notification(body)


def test_a_float_looking_amount_that_is_not_a_number_is_refused():
    body = MINIMAL.replace(b'"total":"11.00"', b'"total":"eleven"')
    with pytest.raises(InvalidNotification, match="total"):
        parse_notification(body)


def test_a_malformed_created_at_is_refused():
    body = MINIMAL.replace(b"2026-02-01 10:00:00", b"yesterday")
    with pytest.raises(InvalidNotification, match="created_at"):
        parse_notification(body)


def test_a_cart_line_without_a_price_is_refused():
    body = MINIMAL.replace(b'"product_price":"11",', b"")
    with pytest.raises(InvalidNotification, match="product_price"):
        parse_notification(body)


def test_fractional_stock_is_refused():
    body = b'{"event":"STOCK_CHANGED","product":{"handle":"uid-1","stock":1.5}}'
    with pytest.raises(InvalidNotification, match="whole number"):
        parse_notification(body)
