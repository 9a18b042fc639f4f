"""A sale read back element by element (`GET sale/{id}`, paytraq-api.md §7.3–§7.4), for the
channel check's write test."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from adapters.paytraq.xml import decimal, optional, parse, sale_record, text
from application.ports import ContentCharge, ContentLine, SaleContents


def _charge(row: ET.Element) -> ContentCharge:
    return ContentCharge(decimal(row, "Amount"), text(row, "TaxKey/TaxKeyID"),
                         text(row, "TypeID"), text(row, "PctOrAmount"))


def sale_contents(body: bytes) -> SaleContents:
    record = sale_record(body)
    root = parse(body)
    header = root.find("Header")
    shipping = root.find("ShippingCharge")
    has_shipping = shipping is not None and (decimal(shipping, "Amount") or text(shipping, "TaxKey/TaxKeyID"))
    return SaleContents(
        id=record.id,
        ref=record.ref,
        status=record.status,
        currency=text(header, "Currency"),
        include_tax=text(header, "IncludeTax").lower() == "true",
        total=record.total,
        tax=record.tax,
        lines=tuple(
            ContentLine(optional(text(row, "Item/ItemID")), decimal(row, "Qty"),
                        decimal(row, "Price"), decimal(row, "LineDiscount"),
                        text(row, "TaxKey/TaxKeyID"))
            for row in root.findall("LineItems/LineItem")
        ),
        shipping=_charge(shipping) if has_shipping else None,
        adjustments=tuple(_charge(row) for row in root.findall("Adjustments/Adjustment")),
    )
