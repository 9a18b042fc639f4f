"""PayTraq's XML answers, read (paytraq-api.md §3–§8, §14); the bodies Sales Inbox sends are
in bodies.py. Every element name PayTraq uses lives in these two modules or in api.py. Answers
are parsed with defusedxml; amounts are Decimal."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree as SafeET

from adapters.errors import UnreadableAnswer
from application.ports import (
    ClientRecord,
    PriceEntry,
    ProductStock,
    SaleLine,
    SaleLines,
    SalePayment,
    SaleRecord,
    SaleSummary,
)
from domain.money import ZERO
from domain.paytraq_totals import TaxKey

CENT = Decimal("0.01")
MILL = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class BookedPayment:
    """One row of the payments list: enough to recognise a payment we booked earlier."""

    id: str
    amount: Decimal
    comment: str
    sale_id: str


# --- parsing ----------------------------------------------------------------------------


def parse(body: bytes | ET.Element) -> ET.Element:
    """PayTraq sends no charset: the body is UTF-8 (Latvian letters are common). An element
    already parsed (a list page, parsed once to count its rows) is taken as it is."""
    if isinstance(body, ET.Element):
        return body
    try:
        return SafeET.fromstring(body.decode("utf-8"))
    except (UnicodeDecodeError, ET.ParseError) as exc:
        raise UnreadableAnswer(f"PayTraq answered with unreadable XML: {exc}") from exc


def text(element: ET.Element | None, path: str, default: str = "") -> str:
    if element is None:
        return default
    found = element.find(path)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def decimal(element: ET.Element | None, path: str, default: Decimal = ZERO) -> Decimal:
    raw = text(element, path)
    if not raw:
        return default
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise UnreadableAnswer(f"{path} is not a number: {raw!r}") from exc


def optional(value: str) -> str | None:
    return value or None


def created_id(body: bytes, wanted: str) -> str:
    """`<Response><DocumentID>…</DocumentID></Response>`: the new id, by name or as the only child."""
    root = parse(body)
    value = text(root, wanted) or (text(root, "./*") if len(root) == 1 else "")
    if not value and root.tag == wanted:
        value = (root.text or "").strip()
    if not value:
        raise UnreadableAnswer(f"PayTraq's answer carries no {wanted}")
    return value


def optional_created_id(body: bytes) -> str | None:
    """A payment's answer may carry an id (PaymentID or any single child), or nothing at all."""
    if not body.strip():
        return None
    root = parse(body)
    value = text(root, "PaymentID") or text(root, "DocumentID")
    if not value and len(root) == 1:
        value = text(root, "./*")
    return value or None


def error_message(body: bytes, status: int) -> str:
    """PayTraq's error text: `<Error><Message>…</Message></Error>` or a plain-text body (P11)."""
    raw = body.decode("utf-8", errors="replace").strip()
    if raw.startswith("<"):
        try:
            root = SafeET.fromstring(raw)
        except ET.ParseError:
            return raw[:500]
        message = text(root, "Message") or text(root, ".//Message") or (root.text or "").strip()
        if message:
            return message
        return " ".join(t.strip() for t in root.itertext() if t.strip())[:500] or f"HTTP {status}"
    return raw[:500] or f"HTTP {status}"


def clients(body: bytes) -> list[ClientRecord]:
    return [
        ClientRecord(
            id=text(row, "ClientID"),
            name=text(row, "Name"),
            email=text(row, "Email"),
            registration_number=text(row, "RegNumber"),
            vat_number=text(row, "VatNumber"),
        )
        for row in parse(body).findall("Client")
    ]


def products(body: bytes) -> list[ProductStock]:
    """`Products/Product`: ItemID, Code and, with `WarehouseID=`, `Inventory/Qty` (P6)."""
    return [
        ProductStock(text(row, "ItemID"), text(row, "Code"), decimal(row, "Inventory/Qty"))
        for row in parse(body).findall("Product")
    ]


def tax_keys(body: bytes) -> list[TaxKey]:
    """`TaxKeys/TaxKey` (P9): a key with an empty TaxRate carries no VAT row."""
    keys = []
    for row in parse(body).findall("TaxKey"):
        rate = text(row, "TaxRate")
        keys.append(
            TaxKey(text(row, "TaxKeyID"), text(row, "TaxKeyName"), Decimal(rate) if rate else None)
        )
    return keys


def price_list(body: bytes) -> list[PriceEntry]:
    """`PriceList/Item` (P8)."""
    return [
        PriceEntry(
            text(row, "ItemID"),
            text(row, "Code"),
            decimal(row, "Price"),
            text(row, "Currency") or "EUR",
        )
        for row in parse(body).findall("Item")
    ]


def sale_summaries(body: bytes) -> list[SaleSummary]:
    """`Sales/Sale/Header`: the list items of `GET sales` (P1, P7)."""
    summaries = []
    for sale in parse(body).findall("Sale"):
        header = sale.find("Header")
        summaries.append(
            SaleSummary(
                id=text(header, "Document/DocumentID"),
                ref=text(header, "Document/DocumentRef"),
                status=text(header, "Document/DocumentStatus"),
                updated=optional(text(header, "TimeStamps/Updated")),
                date=optional(text(header, "Document/DocumentDate")),
                total=decimal(header, "Total") if text(header, "Total") else None,
                sale_type=text(header, "SaleType"),
            )
        )
    return summaries


def _payment(row: ET.Element) -> SalePayment:
    raw_date = text(row, "PaymentDate")
    account = text(row, "MoneyAccountID") or text(row, "MoneyAccount/MoneyAccountID")
    return SalePayment(
        amount=decimal(row, "PaymentAmount"),
        date=date.fromisoformat(raw_date) if raw_date else None,
        money_account_id=optional(account),
        comment=text(row, "Comment"),
        paytraq_id=optional(text(row, "DocumentLink/DocumentID")),
    )


def sale_record(body: bytes) -> SaleRecord:
    """The full `GET sale/{id}` (§7.3, §7.4) as the order flow needs it."""
    root = parse(body)
    header = root.find("Header")
    if root.tag != "Sale" or header is None:
        raise UnreadableAnswer(f"expected <Sale><Header>, got <{root.tag}>")
    taxes = sum((decimal(row, "TaxAmount") for row in root.findall("Taxes/Tax")), ZERO)
    return SaleRecord(
        id=text(header, "Document/DocumentID"),
        ref=text(header, "Document/DocumentRef"),
        sale_type=text(header, "SaleType"),
        status=text(header, "Document/DocumentStatus"),
        total=decimal(header, "Total"),
        amount_due=decimal(header, "AmountDue"),
        client_id=text(header, "Document/Client/ClientID"),
        tax=taxes,
        payments=tuple(_payment(row) for row in root.findall("Payments/Payment")),
        emailed_to=tuple(
            text(message, "To") for message in root.findall("MessageLog/Message") if text(message, "To")
        ),
        updated=optional(text(header, "TimeStamps/Updated")),
        warehouse_id=optional(text(header, "ShippingData/Warehouse/WarehouseID")),
    )


def sale_lines(body: bytes) -> SaleLines:
    root = parse(body)
    header = root.find("Header")
    return SaleLines(
        id=text(header, "Document/DocumentID"),
        updated=optional(text(header, "TimeStamps/Updated")),
        warehouse_id=optional(text(header, "ShippingData/Warehouse/WarehouseID")),
        lines=tuple(
            SaleLine(
                item_id=optional(text(row, "Item/ItemID")),
                code=text(row, "Item/ItemCode"),
                qty=decimal(row, "Qty"),
            )
            for row in root.findall("LineItems/LineItem")
        ),
    )


def booked_payments(body: bytes) -> list[BookedPayment]:
    """`GET payments?query=` (our decision, docs/decisions/paytraq-payments-lookup.md)."""
    rows = []
    for row in parse(body).findall("Payment"):
        rows.append(
            BookedPayment(
                id=text(row, "PaymentID"),
                amount=decimal(row, "Amount"),
                comment=text(row, "Comment"),
                sale_id=text(row, "DocumentLink/DocumentID"),
            )
        )
    return rows
