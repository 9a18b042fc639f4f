"""The PayTraq sandbox's wire format: request bodies in, XML answers out, in PayTraq's element
order (paytraq-api.md §3, §4, §7.3, §7.4, §8.2, §14; DECISIONS.md P1–P11).

Written independently of the client's xml.py on purpose: the contract tests then check that
the two agree on the wire.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from defusedxml import ElementTree as SafeET

from adapters.paytraq.sandbox.dialect import ANY, PAYMENT_AMOUNTS, PAYMENT_DATES, WireDialect
from adapters.paytraq.sandbox.state import (
    ChargeRow,
    Client,
    Line,
    Payment,
    Product,
    Refused,
    Sale,
    SandboxState,
    parse_day,
)

CENT, MILL = Decimal("0.01"), Decimal("0.001")
LENIENT = WireDialect()


# --- reading request bodies -------------------------------------------------------------


def _parse(raw: bytes, root_tag: str) -> ET.Element:
    try:
        return SafeET.fromstring(raw.decode("utf-8")) if raw.strip() else ET.Element(root_tag)
    except (UnicodeDecodeError, ET.ParseError) as exc:
        raise Refused(f"Request body is not valid XML: {exc}") from exc


def read_body(raw: bytes, root_tag: str) -> ET.Element:
    root = _parse(raw, root_tag)
    if root.tag != root_tag:
        raise Refused(f"Expected <{root_tag}> body, got <{root.tag}>")
    return root


def _text(element: ET.Element | None, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _number(element: ET.Element | None, path: str, default: str | None = None) -> Decimal:
    raw = _text(element, path) or default
    if raw is None:
        raise Refused(f"{path} is required")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise Refused(f"{path} {raw!r} is not a number") from exc
    if not value.is_finite():
        raise Refused(f"{path} {raw!r} is not a number")
    return value


def client_from(raw: bytes) -> Client:
    root = read_body(raw, "Client")
    kind = _text(root, "Type") or "1"
    if not kind.isdigit():
        raise Refused(f"Client Type {kind!r} is not valid")
    return Client(
        id="", name=_text(root, "Name"), email=_text(root, "Email"), type=int(kind),
        reg_number=_text(root, "RegNumber"), vat_number=_text(root, "VatNumber"),
        address=_text(root, "LegalAddress/Address"), zip=_text(root, "LegalAddress/Zip"),
        country=_text(root, "LegalAddress/Country"), phone=_text(root, "Phone"),
    )


def _charge(element: ET.Element, adjustment: bool) -> ChargeRow:
    return ChargeRow(
        amount=_number(element, "Amount", "0"),
        tax_key_id=_text(element, "TaxKey/TaxKeyID"),
        type=_text(element, "TypeID") if adjustment else "",
        basis=(_text(element, "PctOrAmount") or "amount") if adjustment else "amount",
        description=_text(element, "Description"),
    )


def sale_root(raw: bytes, dialect: WireDialect) -> ET.Element:
    """The <Sale> of a bare <Sale> body or of <Data><Sale>…</Sale></Data>, as the dialect takes."""
    root = _parse(raw, "Sale")
    if root.tag == "Data" and dialect.sale_root in (ANY, "Data"):
        if len(root) != 1 or root[0].tag != "Sale":
            raise Refused("Expected <Data> body to hold one <Sale> element")
        return root[0]
    if root.tag == "Sale" and dialect.sale_root in (ANY, "Sale"):
        return root
    if dialect.vague_shape_refusals:
        raise Refused("Bad request")
    expected = "<Data><Sale>" if dialect.sale_root == "Data" else "<Sale>"
    raise Refused(f"Expected {expected} body, got <{root.tag}>")


def sale_from(raw: bytes, dialect: WireDialect = LENIENT) -> Sale:
    root = sale_root(raw, dialect)
    header = root.find("Header")
    if header is None:
        raise Refused("Sale has no Header")
    lines = [
        Line(
            item_id=_text(item, "Item/ItemID") or None,
            description=_text(item, "Description"),
            qty=_number(item, "Qty"),
            price=_number(item, "Price"),
            discount=_number(item, "LineDiscount", "0"),
            tax_key_id=_text(item, "TaxKey/TaxKeyID"),
        )
        for item in root.findall("LineItems/LineItem")
    ]
    shipping_element = root.find("ShippingCharge")
    shipping = _charge(shipping_element, False) if shipping_element is not None else None
    if shipping is not None and not shipping.amount:
        shipping = None
    days = _text(header, "PayTerm/PayTermDays") or "0"
    return Sale(
        id="",
        ref=_text(header, "Document/DocumentRef"),
        date=parse_day(_text(header, "Document/DocumentDate")),
        client_id=_text(header, "Document/Client/ClientID"),
        sale_type=_text(header, "SaleType") or "sales_invoice",
        operation=_text(header, "Operation") or "sell_goods",
        currency=_text(header, "Currency") or "EUR",
        include_tax=(_text(header, "IncludeTax") or "true").lower() == "true",
        comment=_text(header, "Comment"),
        pay_term_days=int(days) if days.isdigit() else 0,
        warehouse_id=_text(header, "ShippingData/Warehouse/WarehouseID") or None,
        ship_to=_text(header, "ShippingData/ShippingAddress/ShipTo"),
        address=_text(header, "ShippingData/ShippingAddress/Address"),
        zip=_text(header, "ShippingData/ShippingAddress/Zip"),
        country=_text(header, "ShippingData/ShippingAddress/Country"),
        lines=lines,
        shipping=shipping,
        adjustments=[_charge(a, True) for a in root.findall("Adjustments/Adjustment")],
    )


def payment_from(raw: bytes, dialect: WireDialect = LENIENT) -> Payment:
    root = read_body(raw, "Payment")
    known = dialect.payment_elements()
    if dialect.refuse_unknown_elements:
        for child in root:
            if child.tag not in known:
                raise Refused(f"Unknown element <{child.tag}> in <Payment> body")
    date_tag = next((t for t in PAYMENT_DATES if t in known and root.find(t) is not None), "")
    amount_tag = next((t for t in PAYMENT_AMOUNTS if t in known and root.find(t) is not None),
                      "Amount")
    return Payment(
        id="", sale_id="", date=parse_day(_text(root, date_tag) if date_tag else ""),
        amount=_number(root, amount_tag), money_account_id=_text(root, "MoneyAccountID"),
        comment=_text(root, "Comment"), overpayment=False,
    )


def send_email_from(raw: bytes) -> str | None:
    return _text(read_body(raw, "Send"), "Email") or None


def require_document_body(raw: bytes) -> None:
    read_body(raw, "Document")


# --- writing answers --------------------------------------------------------------------


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def unit_price(value: Decimal) -> str:
    return str(value.quantize(CENT if value == value.quantize(CENT) else MILL, rounding=ROUND_HALF_UP))


def _el(parent: ET.Element, tag: str, value: str | None = None, **children: str | None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if value is not None:
        element.text = value
    for name, text in children.items():
        ET.SubElement(element, name).text = text
    return element


def to_bytes(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def error(message: str) -> bytes:
    root = ET.Element("Error")
    _el(root, "Message", message)
    return to_bytes(root)


def created(tag: str, value: str) -> bytes:
    root = ET.Element("Response")
    _el(root, tag, value)
    return to_bytes(root)


def clients(found: list[Client]) -> bytes:
    root = ET.Element("Clients")
    for c in found:
        row = _el(root, "Client", ClientID=c.id, Name=c.name, Email=c.email, Type=str(c.type),
                  Status="2", RegNumber=c.reg_number, VatNumber=c.vat_number)
        _el(row, "LegalAddress", Address=c.address, Zip=c.zip, Country=c.country)
        _el(row, "Phone", c.phone)
        _el(row, "TimeStamps", Created=c.created, Updated=c.created)
    return to_bytes(root)


def client(c: Client) -> bytes:
    root = ET.fromstring(clients([c]))
    return to_bytes(root[0])


def _product(parent: ET.Element, state: SandboxState, p: Product, warehouse_id: str | None) -> None:
    row = _el(parent, "Product", ItemID=p.item_id, Code=p.code, BarCode=p.barcode, Name=p.name,
              Status="1", Type="1")
    _el(row, "Unit", UnitID="67684", UnitName="gab.")
    _el(row, "HasImage", "false")
    _el(row, "HasLots", "false")
    if warehouse_id is not None:
        qty = p.stock.get(warehouse_id, Decimal(0))
    else:
        qty = sum(p.stock.values(), Decimal(0))
    _el(row, "Inventory", Qty=money(qty), InterimAvailable=money(qty))
    key = state.tax_keys.get(p.tax_key_id)
    if p.prices:
        first_group = next(iter(p.prices))
        rate = "" if key is None or key.rate is None else str(key.rate.normalize())
        _el(row, "Price", GrossAmount=money(p.prices[first_group]), TaxRate=rate,
            Currency=state.price_groups[first_group].currency if first_group in state.price_groups else "EUR",
            Discount="0")


def products(state: SandboxState, found: list[Product], warehouse_id: str | None) -> bytes:
    root = ET.Element("Products")
    for p in found:
        _product(root, state, p, warehouse_id)
    return to_bytes(root)


def product(state: SandboxState, p: Product) -> bytes:
    root = ET.Element("Products")
    _product(root, state, p, None)
    return to_bytes(root[0])


def tax_keys(state: SandboxState) -> bytes:
    root = ET.Element("TaxKeys")
    for key in state.tax_keys.values():
        rate = "" if key.rate is None else str(key.rate.normalize())
        _el(root, "TaxKey", TaxKeyID=key.id, TaxKeyName=key.name, TaxRate=rate)
    return to_bytes(root)


def price_list(rows: list[tuple[Product, Decimal, str]]) -> bytes:
    root = ET.Element("PriceList")
    for p, price, currency in rows:
        _el(root, "Item", ItemID=p.item_id, Code=p.code, Price=unit_price(price), Currency=currency)
    return to_bytes(root)


def payments(state: SandboxState, found: list[Payment]) -> bytes:
    """`GET payments` as decided in docs/decisions/paytraq-payments-lookup.md."""
    root = ET.Element("Payments")
    for p in found:
        row = _el(root, "Payment", PaymentID=p.id, PaymentDate=p.date, Amount=money(p.amount),
                  MoneyAccountID=p.money_account_id, Comment=p.comment)
        sale = state.sales.get(p.sale_id)
        _el(row, "DocumentLink", DocumentID=p.sale_id, DocumentRef=sale.ref if sale else "",
            DocumentType="sale")
    return to_bytes(root)
