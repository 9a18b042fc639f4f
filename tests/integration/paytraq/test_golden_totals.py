"""Golden documents: created through the PayTraq client in the sandbox, they read back with the
totals the specs compute by hand (paytraq-api.md §14.2, mozello-store-api.md §9.1–§9.3)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import requests

from adapters.paytraq import xml
from domain.documents import build_document
from domain.orders import (
    Address,
    Customer,
    OrderDiscount,
    OrderLine,
    PaymentStatus,
    SalesOrder,
    Shipping,
)
from domain.settings import ChannelSettings, DocumentType
from tests.integration.paytraq.scenario import client_for, invoice_14_2, new_client

pytestmark = pytest.mark.integration

SETTINGS = ChannelSettings(
    document_type=DocumentType.SALES_ORDER, tax_keys=((Decimal(21), "100021"),), warehouse_id="1"
)
RIGA = Address("Brīvības iela 1-2", "Rīga", "LV-1010", "lv")


def raw_sale(sandbox, sale_id: str):
    response = requests.get(
        f"{sandbox.base_url}sale/{sale_id}",
        headers={"APIKey": sandbox.api_key, "APIToken": sandbox.api_token}, timeout=5,
    )
    response.raise_for_status()
    return xml.parse(response.content)


def line(sku: str, name: str, qty: int, price: str) -> OrderLine:
    return OrderLine(sku, f"{name}, {sku}", Decimal(qty), Decimal(price), Decimal(21))


def order(order_id: str, lines: tuple[OrderLine, ...], subtotal: str, taxes: str, total: str,
          shipping: Shipping | None = None, discount: OrderDiscount | None = None) -> SalesOrder:
    return SalesOrder(
        order_id=order_id, created_at=datetime(2026, 1, 15, 9, 12, 44), currency="EUR",
        customer=Customer("Anna Bērziņa", "anna@example.com", "+371 20000001", billing_address=RIGA),
        lines=lines, payment_method="gateway", payment_status=PaymentStatus.PAID,
        subtotal=Decimal(subtotal), taxes=Decimal(taxes), total=Decimal(total),
        shipping=shipping, discount=discount,
    )


EXAMPLE_9_1 = order("M-1234567-101", (line("TT-100", "Linen tea towel", 1, "24.20"),),
                    "24.20", "4.20", "24.20")
EXAMPLE_9_2 = order(
    "M-1234567-102",
    (line("SW-200-BL-M", "Sweater, Blue, M", 2, "39"), line("WS-01", "Wool socks", 1, "9.5")),
    "87.50", "14.30", "82.38",
    shipping=Shipping("omniva-latvija", Decimal("3.63"), Decimal(21)),
    discount=OrderDiscount("WINTER10", Decimal("8.75")),
)
EXAMPLE_9_3 = order(
    "M-1234567-103",
    (line("NB-A5", "Notebook A5", 3, "4"), line("PS-3", "Pen set", 1, "6"),
     line("BM-1", "Bookmark", 1, "1")),
    "19.00", "3.82", "22.00",
    shipping=Shipping("omniva-latvija", Decimal("3"), Decimal(21)),
)


def test_the_14_2_invoice_reads_back_with_paytraqs_totals(sandbox):
    # Given the client and the §14.2 invoice (2 × 3.99, 12.50 − 10 %, shipping 2.99, VAT 21 %)
    paytraq = client_for(sandbox)
    document = invoice_14_2(paytraq, new_client(paytraq))
    # When it is created through the adapter and read back
    sale_id = paytraq.create_sale(document)
    sale = paytraq.get_sale(sale_id)
    body = raw_sale(sandbox, sale_id)
    # Then PayTraq's document-level VAT shows: 22.22 gross, 3.86 VAT, 18.36 net
    assert (sale.total, sale.tax) == (Decimal("22.22"), Decimal("3.86"))
    assert xml.text(body, "Totals/NetAmount") == "18.36"
    assert xml.text(body, "Totals/GrossAmount") == "22.22"
    assert [xml.text(li, "LineTotal") for li in body.findall("LineItems/LineItem")] == ["7.98", "11.25"]
    assert xml.text(body, "Taxes/Tax/TaxKey/TaxKeyName") == "PVN 21%"


@pytest.mark.parametrize(
    ("example", "total", "taxes"),
    [(EXAMPLE_9_1, "24.20", "4.20"), (EXAMPLE_9_2, "82.38", "14.30"), (EXAMPLE_9_3, "22.00", "3.82")],
    ids=["9.1 single item", "9.2 variant shipping discount", "9.3 per-line rounding differs"],
)
def test_a_mozello_example_order_reads_back_with_the_shops_totals(sandbox, example, total, taxes):
    # Given a document built from the Mozello example order with 21 % mapped to PVN 21%
    paytraq = client_for(sandbox)
    keys = {key.id: key for key in paytraq.tax_keys()}
    item_ids = {li.sku: paytraq.find_item_id(li.sku) for li in example.lines}
    draft = build_document(example, SETTINGS, new_client(paytraq), item_ids, keys, date(2026, 1, 17))
    assert draft.ok, draft.problems
    # When it is created in the sandbox and read back
    sale = paytraq.get_sale(paytraq.create_sale(draft.document))
    # Then PayTraq's totals equal what the shop charged
    assert (sale.total, sale.tax) == (Decimal(total), Decimal(taxes))
    assert sale.total == example.total and sale.tax == example.taxes
