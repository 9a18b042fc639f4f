"""The PayTraq document built from a Mozello order, and what stops it."""

from decimal import Decimal

from domain.documents import build_document, line_description, split_proportionally
from domain.orders import Address, Customer, OrderDiscount, Shipping
from domain.settings import UnknownSkuPolicy
from tests.unit.builders import TAX_KEYS, line, order, settings

D = Decimal
KEYS = {k.id: k for k in TAX_KEYS}


def build(snapshot, items=None, **overrides):
    items = items if items is not None else {ln.sku: f"item-{ln.sku}" for ln in snapshot.lines}
    return build_document(snapshot, settings(**overrides), "c1", items, KEYS, snapshot.created_at.date())


def test_document_ref_is_the_mozello_order_id_and_comment_names_order_method_and_note():
    draft = build(order(notes="Please call before delivery"))
    doc = draft.document
    assert doc.document_ref == "M-1234567-101"
    assert doc.comment == "M-1234567-101, Payment Gateway, Please call before delivery"
    assert doc.client_id == "c1" and doc.warehouse_id == "1"


def test_line_description_is_name_then_sku_in_brackets():
    assert line_description(line("TR-12345", "1", name="Trousers, Red, XXL, TR-12345")) == (
        "Trousers, Red, XXL [TR-12345]"
    )


def test_unknown_sku_holds_the_order_by_default_and_names_the_sku():
    draft = build(order(), items={"TT-100": None})
    assert draft.document is None
    assert [p.code.value for p in draft.problems] == ["unknown_sku"]
    assert "TT-100" in draft.problems[0].message


def test_unknown_sku_becomes_a_free_text_line_when_the_channel_says_so():
    draft = build(order(), items={"TT-100": None}, unknown_sku=UnknownSkuPolicy.FREE_TEXT_LINE)
    assert draft.ok
    assert draft.document.lines[0].item_id is None


def test_a_vat_rate_without_a_tax_key_is_named():
    draft = build(order(lines=(line("A", "10", rate="9"),)))
    assert draft.document is None
    assert draft.problems[0].code.value == "unmapped_tax_rate"
    assert "9%" in draft.problems[0].message


def test_shipping_becomes_a_shipping_charge_with_its_tax_key():
    doc = build(order(shipping=Shipping("omniva-latvija", D("3.63"), D("21")))).document
    assert doc.shipping.amount == D("3.63") and doc.shipping.tax_key.id == "1021"


def test_discount_split_sums_exactly_to_the_order_discount():
    shares = split_proportionally(D("10.00"), {"a": D("1"), "b": D("1"), "c": D("1")})
    assert sum(shares.values()) == D("10.00")
    assert sorted(shares.values()) == [D("3.33"), D("3.33"), D("3.34")]


def test_a_single_rate_discount_is_one_adjustment_labelled_with_the_code():
    doc = build(order(discount=OrderDiscount("WINTER10", D("2.42")), total="21.78")).document
    (adjustment,) = doc.adjustments
    assert adjustment.amount == D("2.42") and adjustment.description == "Discount code WINTER10"


def test_ship_to_and_delivery_address_follow_the_paytraq_channel():
    snapshot = order(customer=Customer("Jānis Kalniņš", "j@example.lv", "+371 2", billing_address=Address("Elizabetes 10", "Rīga", "LV-1050", "LV")))
    doc = build(snapshot).document
    assert doc.ship_to == "Jānis Kalniņš, +371 2"
    assert doc.delivery_address.city == "Rīga"
