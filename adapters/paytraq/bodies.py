"""The XML bodies Sales Inbox sends PayTraq (paytraq-api.md §3–§8, §14), built with
ElementTree; amounts are Decimal, formatted the way PayTraq writes them (§1.8)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal

from adapters.outside_calls import mentions
from adapters.paytraq.paths import PAYMENT_FORMS, SALE_ROOTS
from application.ports import NewClient, PaymentRequest
from domain.documents import Document
from domain.paytraq_totals import TaxKey
from domain.settings import Operation

CENT = Decimal("0.01")
MILL = Decimal("0.001")


# --- formatting -------------------------------------------------------------------------


def amount(value: Decimal) -> str:
    """Money and percentages: 2 decimals, half-up (`11.78`, `10.00`)."""
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def price(value: Decimal) -> str:
    """A unit price keeps a third decimal when it has one (`3.298`), else 2 (`12.50`)."""
    value = Decimal(value)
    if value == value.quantize(CENT):
        return str(value.quantize(CENT))
    return str(value.quantize(MILL, rounding=ROUND_HALF_UP))


def qty(value: Decimal) -> str:
    return amount(value)


def boolean(value: bool) -> str:
    return "true" if value else "false"


# --- building ---------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _path(parent: ET.Element, tags: str, text: str | None = None) -> ET.Element:
    """`_path(e, "Client/ClientID", "7")` adds <Client><ClientID>7</ClientID></Client>."""
    *outer, last = tags.split("/")
    for tag in outer:
        parent = _sub(parent, tag)
    return _sub(parent, last, text)


_DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>\n"  # as ElementTree writes it


def _bytes(root: ET.Element) -> bytes:
    """`ET.tostring(root, encoding="utf-8", xml_declaration=True)`, byte for byte, without the
    text wrapper ElementTree writes an encoded document through (a third of a sale body's
    cost); what UTF-8 cannot encode (a lone surrogate) becomes a character reference, as
    there."""
    return _DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8",
                                                                      "xmlcharrefreplace")


def client_body(client: NewClient) -> bytes:
    root = ET.Element("Client")
    _sub(root, "Name", client.name)
    _sub(root, "Email", client.email)
    _sub(root, "Type", str(client.type))
    _sub(root, "RegNumber", client.registration_number)
    _sub(root, "VatNumber", client.vat_number)
    legal = _sub(root, "LegalAddress")
    _sub(legal, "Address", client.address)
    _sub(legal, "Zip", client.zip)
    _sub(legal, "Country", client.country.upper())
    _sub(root, "Phone", client.phone)
    return _bytes(root)


def _tax_key(parent: ET.Element, key: TaxKey) -> None:
    _path(parent, "TaxKey/TaxKeyID", key.id)


def sale_body(document: Document, root_tag: str = SALE_ROOTS[0]) -> bytes:
    """`POST sale` (DECISIONS P2, paytraq-api.md §7.6 and §14.2): a bare <Sale>, or with
    `root_tag="Data"` the same element wrapped as <Data><Sale>…</Sale></Data> (R1)."""
    sale = _sale_element(document)
    if root_tag == "Sale":
        return _bytes(sale)
    wrapper = ET.Element(root_tag)
    wrapper.append(sale)
    return _bytes(wrapper)


def _sale_element(document: Document) -> ET.Element:
    root = ET.Element("Sale")
    _sale_header(_sub(root, "Header"), document)
    items = _sub(root, "LineItems")
    for line in document.lines:
        item = _sub(items, "LineItem")
        reference = _sub(item, "Item")
        if line.item_id:
            _sub(reference, "ItemID", line.item_id)
        _sub(item, "Description", line.description)
        _sub(item, "Qty", qty(line.qty))
        _sub(item, "Price", price(line.price))
        _sub(item, "LineDiscount", amount(line.discount_pct))
        _tax_key(item, line.tax_key)
    add_shipping_charge(root, document)
    add_adjustments(root, document)
    return root


def add_shipping_charge(root: ET.Element, document: Document) -> None:
    """ShippingCharge, as both the REST body and the Connect payload carry it."""
    if document.shipping is not None:
        charge = _sub(root, "ShippingCharge")
        _sub(charge, "Amount", amount(document.shipping.amount))
        _tax_key(charge, document.shipping.tax_key)


def add_adjustments(root: ET.Element, document: Document) -> None:
    """Adjustments/Adjustment (the order discount, the rounding line), as both the REST body and
    the Connect payload carry them."""
    if document.adjustments:
        adjustments = _sub(root, "Adjustments")
        for adjustment in document.adjustments:
            row = _sub(adjustments, "Adjustment")
            _sub(row, "Amount", amount(adjustment.amount))
            _sub(row, "Description", adjustment.description)
            _sub(row, "TypeID", adjustment.type.value)
            _sub(row, "PctOrAmount", adjustment.basis.value)
            _tax_key(row, adjustment.tax_key)


def _sale_header(header: ET.Element, document: Document) -> None:
    head = _sub(header, "Document")
    _sub(head, "DocumentDate", document.document_date.isoformat())
    _sub(head, "DocumentRef", document.document_ref)
    _path(head, "Client/ClientID", document.client_id)
    _sub(header, "SaleType", document.sale_type.value)
    _sub(header, "Operation", document.operation.value)
    _sub(header, "Currency", document.currency)
    _sub(header, "IncludeTax", boolean(document.include_tax))
    pay_term = _sub(header, "PayTerm")
    _sub(pay_term, "PayTermType", "1")
    _sub(pay_term, "PayTermDays", "0")
    _sub(header, "Comment", document.comment)
    shipping = _sub(header, "ShippingData")
    goods = document.operation is Operation.SELL_GOODS
    _sub(shipping, "ShippingType", "1" if goods else "0")
    if document.warehouse_id:
        _path(shipping, "Warehouse/WarehouseID", document.warehouse_id)
    address = _sub(shipping, "ShippingAddress")
    where = document.delivery_address
    _sub(address, "ShipTo", document.ship_to)
    _sub(address, "Address", where.one_line() if where else "")
    _sub(address, "Zip", where.zip if where else "")
    _sub(address, "Country", where.country_code.upper() if where else "")


def payment_comment(payment: PaymentRequest) -> str:
    """The order reference always travels in the payment's Comment: it is how we find it again."""
    if mentions(payment.comment, payment.reference):
        return payment.comment
    return f"{payment.comment} [{payment.reference}]".strip()


def payment_body(payment: PaymentRequest, form: str = "amount") -> bytes:
    """`POST sale/{id}/payment` in one of the PAYMENT_FORMS (DECISIONS P4, R2)."""
    date_tag, amount_tag, account_tag, comment_tag = PAYMENT_FORMS[form]
    root = ET.Element("Payment")
    _sub(root, date_tag, payment.date.isoformat())
    _sub(root, amount_tag, amount(payment.amount))
    _sub(root, account_tag, payment.money_account_id)
    _sub(root, comment_tag, payment_comment(payment))
    return _bytes(root)


def send_body(email: str | None) -> bytes:
    """`POST sale/{id}/send` (DECISIONS P5): no Email means the client's own address."""
    root = ET.Element("Send")
    if email:
        _sub(root, "Email", email)
    return _bytes(root)


def empty_document_body() -> bytes:
    """The body of approve, post and void (DECISIONS P3)."""
    return _bytes(ET.Element("Document"))
