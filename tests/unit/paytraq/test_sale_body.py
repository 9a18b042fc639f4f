"""The `POST sale` body Sales Inbox sends: PayTraq's element names, order and number formats."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from decimal import Decimal

from adapters.paytraq import bodies, xml
from domain.documents import Adjustment, Document, DocumentLine, ShippingCharge
from domain.orders import Address
from domain.paytraq_totals import AdjustmentType, TaxKey
from domain.settings import DocumentType, Operation

VAT21 = TaxKey("100021", "PVN 21%", Decimal(21))
NO_VAT = TaxKey("100099", "nav PVN", None)

INVOICE = Document(
    document_ref="WEB-10045",
    document_date=date(2026, 2, 4),
    client_id="900123",
    sale_type=DocumentType.SALES_INVOICE,
    operation=Operation.SELL_GOODS,
    currency="EUR",
    include_tax=True,
    lines=(
        DocumentLine("GLV-BLK-M", "500101", "Melni cimdi [GLV-BLK-M]", Decimal(2), Decimal("3.99"), VAT21),
        DocumentLine("GC-12", None, "Dāvanu karte [GC-12]", Decimal("1.5"), Decimal("3.2985"), VAT21,
                     Decimal(10)),
    ),
    shipping=ShippingCharge(Decimal("2.99"), VAT21),
    adjustments=(Adjustment(AdjustmentType.CHARGE, Decimal("0.01"), NO_VAT, "Noapaļošana"),),
    comment="WEB-10045, Payment Gateway",
    warehouse_id="3001",
    ship_to="Jānis Bērziņš, +37120000000",
    delivery_address=Address("Brīvības iela 100", "Rīga", "1011", "lv"),
)


def body(document: Document = INVOICE) -> ET.Element:
    return ET.fromstring(bodies.sale_body(document))


def tags(element: ET.Element | None) -> list[str]:
    assert element is not None
    return [child.tag for child in element]


def test_the_header_follows_paytraqs_element_order():
    # Given the §14.2 invoice, When its body is built, Then the header reads like §7.6
    sale = body()
    assert tags(sale) == ["Header", "LineItems", "ShippingCharge", "Adjustments"]
    assert tags(sale.find("Header")) == [
        "Document", "SaleType", "Operation", "Currency", "IncludeTax", "PayTerm", "Comment",
        "ShippingData",
    ]
    assert tags(sale.find("Header/Document")) == ["DocumentDate", "DocumentRef", "Client"]
    assert xml.text(sale, "Header/Document/Client/ClientID") == "900123"
    assert xml.text(sale, "Header/Document/DocumentRef") == "WEB-10045"
    assert xml.text(sale, "Header/SaleType") == "sales_invoice"
    assert xml.text(sale, "Header/IncludeTax") == "true"
    assert (xml.text(sale, "Header/PayTerm/PayTermType"), xml.text(sale, "Header/PayTerm/PayTermDays")) == ("1", "0")


def test_goods_ship_from_the_warehouse_to_the_delivery_address():
    shipping = body().find("Header/ShippingData")
    assert xml.text(shipping, "ShippingType") == "1"
    assert xml.text(shipping, "Warehouse/WarehouseID") == "3001"
    assert tags(shipping.find("ShippingAddress")) == ["ShipTo", "Address", "Zip", "Country"]
    assert xml.text(shipping, "ShippingAddress/ShipTo") == "Jānis Bērziņš, +37120000000"
    assert xml.text(shipping, "ShippingAddress/Address") == "Brīvības iela 100, Rīga"
    assert xml.text(shipping, "ShippingAddress/Country") == "LV"


def test_services_have_no_shipment_and_no_warehouse_when_none_is_set():
    # Given a services document without a warehouse
    services = replace(INVOICE, operation=Operation.SELL_SERVICES, warehouse_id=None)
    # When it is built, Then ShippingType is 0 and no Warehouse element is sent
    shipping = body(services).find("Header/ShippingData")
    assert xml.text(shipping, "ShippingType") == "0"
    assert shipping.find("Warehouse") is None


def test_lines_reference_the_item_and_format_numbers_as_paytraq_does():
    first, second = body().findall("LineItems/LineItem")
    assert tags(first) == ["Item", "Description", "Qty", "Price", "LineDiscount", "TaxKey"]
    assert xml.text(first, "Item/ItemID") == "500101"
    assert (xml.text(first, "Qty"), xml.text(first, "Price"), xml.text(first, "LineDiscount")) == (
        "2.00", "3.99", "0.00")
    assert xml.text(first, "TaxKey/TaxKeyID") == "100021"
    # A free-text line has an empty <Item/>; a 3-decimal price keeps 3 decimals, rounded half-up
    assert second.find("Item") is not None and len(second.find("Item")) == 0
    assert (xml.text(second, "Qty"), xml.text(second, "Price"), xml.text(second, "LineDiscount")) == (
        "1.50", "3.299", "10.00")
    assert xml.text(second, "Description") == "Dāvanu karte [GC-12]"


def test_shipping_and_adjustments_carry_amounts_and_their_own_tax_keys():
    sale = body()
    assert tags(sale.find("ShippingCharge")) == ["Amount", "TaxKey"]
    assert xml.text(sale, "ShippingCharge/Amount") == "2.99"
    adjustment = sale.find("Adjustments/Adjustment")
    assert tags(adjustment) == ["Amount", "Description", "TypeID", "PctOrAmount", "TaxKey"]
    assert [xml.text(adjustment, t) for t in ("Amount", "TypeID", "PctOrAmount", "TaxKey/TaxKeyID")] == [
        "0.01", "charge", "amount", "100099"]


def test_amounts_round_half_up_to_cents_and_prices_keep_up_to_three_decimals():
    assert [bodies.amount(Decimal(v)) for v in ("2", "0.005", "2.675", "-1.005")] == [
        "2.00", "0.01", "2.68", "-1.01"]
    assert [bodies.price(Decimal(v)) for v in ("12.5", "3.298", "3.2985", "4")] == [
        "12.50", "3.298", "3.299", "4.00"]
    assert bodies.qty(Decimal("2")) == "2.00"


def test_the_body_is_utf8_xml_with_latvian_letters_intact():
    raw = bodies.sale_body(INVOICE)
    assert raw.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert "Jānis Bērziņš".encode() in raw


def test_the_body_is_what_elementtree_writes_as_utf8_with_its_declaration():
    # markup characters, Latvian letters and characters outside the BMP in free text
    odd = replace(INVOICE, comment="<b>&amp;\"quoted\"</b> Ķēķis 🍒 'x'\ttab",
                  ship_to="A & B <c>")
    for document in (INVOICE, odd):
        raw = bodies.sale_body(document)
        assert raw == ET.tostring(ET.fromstring(raw), encoding="utf-8", xml_declaration=True)
        assert next(ET.fromstring(raw).iter("Comment")).text == document.comment


def test_a_payment_body_carries_the_order_reference_in_its_comment():
    from application.ports import PaymentRequest

    request = PaymentRequest(Decimal("22.2"), date(2026, 2, 4), "5011", "Payment Gateway", "M-1-101")
    payment = ET.fromstring(bodies.payment_body(request))
    assert tags(payment) == ["PaymentDate", "Amount", "MoneyAccountID", "Comment"]
    assert [xml.text(payment, t) for t in tags(payment)] == [
        "2026-02-04", "22.20", "5011", "Payment Gateway [M-1-101]"]


def test_a_reference_counts_only_as_a_whole_token():
    assert bodies.mentions("Payment Gateway [M-1-101]", "M-1-101")
    assert not bodies.mentions("Payment Gateway [M-1-101]", "M-1-10")
    assert not bodies.mentions("Payment Gateway [M-1-101]", "1-101")
    # a later whole occurrence counts though an earlier one is part of a longer token
    assert bodies.mentions("M-1-1010, M-1-101", "M-1-101")
    # letters and digits of any script join a token; punctuation and spaces do not
    assert not bodies.mentions("Pasūtījums āM-1-101", "M-1-101")
    assert not bodies.mentions("M-1-101٣", "M-1-101")
    assert not bodies.mentions("M-1-101_2", "M-1-101")
    assert bodies.mentions("M-1-101.", "M-1-101") and bodies.mentions("(M-1-101)", "M-1-101")
    # a reference is taken literally, never as a pattern
    assert not bodies.mentions("Payment [M-1x101]", "M-1.101")
    assert bodies.mentions("Payment [M-1.101]", "M-1.101")
    assert not bodies.mentions("Payment", "")
