"""The PayTraq Connect payload (paytraq-api.md §9.2, DECISIONS R6): a `<Sale>` with the buyer's
data (PayTraq finds or creates the client), the shop's `Total` and `Taxes` (which PayTraq checks
against its own calculation), lines by `ItemCode` (the SKU), adjustments, the shipping charge
and `AutoProcessing`. Tax keys on adjustments are our addition [INF]: the documented list names
Amount, Description, TypeID and PctOrAmount only."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from adapters.paytraq.bodies import (
    add_adjustments,
    add_shipping_charge,
    amount,
    boolean,
    price,
    qty,
)
from application.ports import ConnectSale


def _el(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _key(parent: ET.Element, key_id: str) -> None:
    _el(_el(parent, "TaxKey"), "TaxKeyID", key_id)


def _header(root: ET.Element, sale: ConnectSale) -> None:
    document, customer = sale.document, sale.customer
    header = _el(root, "Header")
    head = _el(header, "Document")
    _el(head, "DocumentDate", document.document_date.isoformat())
    _el(head, "DocumentRef", document.document_ref)
    client = _el(head, "Client")
    _el(client, "ClientName", customer.display_name)
    _el(client, "ClientRegNumber", customer.registration_number)
    _el(client, "ClientTaxNumber", customer.vat_number)
    _el(client, "ClientEmail", customer.email)
    billing = _el(client, "BillingAddress")
    address = customer.billing_address
    _el(billing, "Address", ", ".join(p for p in (address.address, address.city) if p))
    _el(billing, "Zip", address.zip)
    _el(billing, "Country", address.country_code.upper())
    _el(client, "IsCompany", boolean(customer.is_company))
    _el(header, "Total", amount(sale.total))
    _el(header, "Taxes", amount(sale.taxes))
    _el(header, "Currency", document.currency)
    _el(header, "IncludeTax", boolean(document.include_tax))
    _el(header, "Comment", document.comment)
    where = document.delivery_address
    shipping = _el(_el(header, "ShippingData"), "ShippingAddress")
    _el(shipping, "ShipTo", document.ship_to)
    _el(shipping, "Address", where.one_line() if where else "")
    _el(shipping, "Zip", where.zip if where else "")
    _el(shipping, "Country", where.country_code.upper() if where else "")


def connect_body(sale: ConnectSale) -> bytes:
    root = ET.Element("Sale")
    _header(root, sale)
    document = sale.document
    items = _el(root, "LineItems")
    for line in document.lines:
        row = _el(items, "LineItem")
        item = _el(row, "Item")
        _el(item, "ItemCode", line.sku)
        _el(item, "ItemName", line.description)
        _el(row, "Qty", qty(line.qty))
        _el(row, "Price", price(line.price))
        _el(row, "LineDiscount", amount(line.discount_pct))
        _key(row, line.tax_key.id)
    add_adjustments(root, document)
    add_shipping_charge(root, document)
    _auto(root, sale)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _auto(root: ET.Element, sale: ConnectSale) -> None:
    steps = sale.steps
    auto = _el(root, "AutoProcessing")
    _el(auto, "Process", boolean(steps.process))
    _el(auto, "Approve", boolean(steps.approve))
    _el(auto, "Send", boolean(steps.send))
    if steps.money_account_id and steps.date_paid:
        payment = _el(auto, "AddPayment")
        _el(payment, "MoneyAccountID", steps.money_account_id)
        _el(payment, "DatePaid", steps.date_paid.isoformat())
