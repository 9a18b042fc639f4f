"""PayTraq's XML: the bodies Sales Inbox sends and the answers it reads (paytraq-api.md §3–§8, §14).

Every element name PayTraq uses lives here or in api.py. Bodies are built with ElementTree and
parsed with defusedxml; amounts are Decimal and formatted the way PayTraq writes them (§1.8).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from defusedxml import ElementTree as SafeET

from adapters.paytraq.shapes import PAYMENT_FORMS, SALE_ROOTS
from application.ports import (
    ClientRecord,
    NewClient,
    PaymentRequest,
    PriceEntry,
    ProductStock,
    SaleLine,
    SaleLines,
    SalePayment,
    SaleRecord,
    SaleSummary,
)
from domain.documents import Document
from domain.money import ZERO
from domain.paytraq_totals import TaxKey
from domain.settings import Operation

CENT = Decimal("0.01")
MILL = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class BookedPayment:
    """One row of the payments list: enough to recognise a payment we booked earlier."""

    id: str
    amount: Decimal
    comment: str
    sale_id: str


class UnreadableAnswer(ValueError):
    """PayTraq answered 200 with a body that is not the XML we expect."""


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


def _bytes(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


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
    header = _sub(root, "Header")
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

    if document.shipping is not None:
        charge = _sub(root, "ShippingCharge")
        _sub(charge, "Amount", amount(document.shipping.amount))
        _tax_key(charge, document.shipping.tax_key)

    if document.adjustments:
        adjustments = _sub(root, "Adjustments")
        for adjustment in document.adjustments:
            row = _sub(adjustments, "Adjustment")
            _sub(row, "Amount", amount(adjustment.amount))
            _sub(row, "Description", adjustment.description)
            _sub(row, "TypeID", adjustment.type.value)
            _sub(row, "PctOrAmount", adjustment.basis.value)
            _tax_key(row, adjustment.tax_key)
    return root


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


# --- parsing ----------------------------------------------------------------------------


def parse(body: bytes) -> ET.Element:
    """PayTraq sends no charset: the body is UTF-8 (Latvian letters are common)."""
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


def mentions(comment: str, reference: str) -> bool:
    """True when `reference` appears in `comment` as a whole token (M-1-10 is not in M-1-101)."""
    if not reference:
        return False
    pattern = rf"(?<![\w-]){re.escape(reference)}(?![\w-])"
    return re.search(pattern, comment) is not None


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
