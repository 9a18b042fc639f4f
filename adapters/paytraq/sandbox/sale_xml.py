"""`GET sale/{id}` and `GET sales` as PayTraq renders them: header in the §7.3 order, then
CustomData, LineItems, Adjustments, ShippingCharge, Taxes, Totals, references, Payments, Journals,
Tags, MessageLog, Notes (§7.3, §7.4, §8.2). Amounts come from the sandbox's own totals.py."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

from adapters.paytraq.sandbox.answer_xml import _el, money, to_bytes, unit_price
from adapters.paytraq.sandbox.state import Sale, SandboxState

REVENUE = {"AccountID": "2673477", "AccountCode": "6110", "AccountName": "Revenue from sales"}


def _key(parent: ET.Element, state: SandboxState, key_id: str) -> None:
    key = state.tax_keys.get(key_id)
    _el(parent, "TaxKey", TaxKeyID=key_id, TaxKeyName=key.name if key else "")


def _document(header: ET.Element, state: SandboxState, sale: Sale) -> None:
    document = _el(header, "Document", DocumentID=sale.id, DocumentDate=sale.date,
                   DocumentRef=sale.ref, DocumentType="sale", DocumentStatus=sale.status)
    client = state.clients.get(sale.client_id)
    _el(document, "Client", ClientID=sale.client_id, ClientName=client.name if client else "")


def _header(root: ET.Element, state: SandboxState, sale: Sale, full: bool) -> None:
    header = _el(root, "Header")
    _document(header, state, sale)
    _el(header, "SaleType", sale.sale_type)
    _el(header, "Operation", sale.operation)
    _el(header, "Total", money(state.totals(sale).total))
    _el(header, "AmountDue", money(state.amount_due(sale)))
    if full:
        due = date.fromisoformat(sale.date) + timedelta(days=sale.pay_term_days)
        deposit = "100.00" if sale.sale_type in ("sales_order", "sales_proforma") else ""
        for tag, value in (
            ("DueNoticeEnabled", "false"), ("Currency", sale.currency),
            ("BalanceCurrency", sale.currency), ("CurrencyRate", "1.00"), ("TaxBasis", "1"),
            ("IncludeTax", "true" if sale.include_tax else "false"), ("UseOverpayment", "false"),
            ("DateDue", due.isoformat()), ("DateApproved", sale.date),
            ("IssuedBy", "API"), ("Discount", "0.00"), ("Deposit", deposit),
            ("Comment", sale.comment), ("Signature", "0"),
        ):
            _el(header, tag, value)
        _el(header, "InvoicePeriod", PeriodType="0", PeriodStart="", PeriodEnd="")
        _el(header, "PayTerm", PayTermType="1", PayTermDays=str(sale.pay_term_days))
        _el(header, "PaymentMethod", "1")
        _el(header, "AccountID", "2673450")
        _shipping_data(header, state, sale)
        _el(header, "Project", ProjectName="")
    _el(header, "TimeStamps", Created=sale.created, Updated=sale.updated)


def _shipping_data(header: ET.Element, state: SandboxState, sale: Sale) -> None:
    data = _el(header, "ShippingData", ShippingType="1" if sale.operation == "sell_goods" else "0")
    warehouse = state.warehouses.get(sale.warehouse_id or "")
    _el(data, "Warehouse", WarehouseID=sale.warehouse_id or "",
        WarehouseName=warehouse.name if warehouse else "")
    _el(data, "LoadingArea")
    _el(data, "Shipper")
    _el(data, "ShippingAddress", AddressID="", ShipTo=sale.ship_to, Address=sale.address,
        Zip=sale.zip, Country=sale.country)


def _lines(root: ET.Element, state: SandboxState, sale: Sale, line_totals) -> None:
    items = _el(root, "LineItems")
    for line, total in zip(sale.lines, line_totals, strict=True):
        row = _el(items, "LineItem")
        _el(row, "Account", **REVENUE)
        product = state.products.get(line.item_id or "")
        if product is not None:
            _el(row, "Item", ItemID=product.item_id, ItemCode=product.code, ItemName=product.name)
        else:
            _el(row, "Item")
        _el(row, "ItemLot")
        _el(row, "Description", line.description)
        _el(row, "ItemDescription", "")
        _el(row, "Qty", money(line.qty))
        _el(row, "Price", unit_price(line.price))
        _el(row, "LineDiscount", money(line.discount))
        _el(row, "LineTotal", money(total))
        _el(row, "Unit", UnitID="67684", UnitName="gab.")
        _key(row, state, line.tax_key_id)


def _charges(root: ET.Element, state: SandboxState, sale: Sale) -> None:
    adjustments = _el(root, "Adjustments")
    for a in sale.adjustments:
        row = _el(adjustments, "Adjustment")
        _el(row, "Account", **REVENUE)
        _el(row, "Amount", money(a.amount))
        _el(row, "Description", a.description)
        _el(row, "TypeID", a.type)
        _el(row, "PctOrAmount", a.basis)
        _key(row, state, a.tax_key_id)
    shipping = _el(root, "ShippingCharge")
    _el(shipping, "Account", **REVENUE)
    _el(shipping, "Amount", money(sale.shipping.amount) if sale.shipping else "0.00")
    if sale.shipping:
        _key(shipping, state, sale.shipping.tax_key_id)
    else:
        _el(shipping, "TaxKey", TaxKeyID="", TaxKeyName="")


def _taxes(root: ET.Element, state: SandboxState, sale: Sale) -> None:
    totals = state.totals(sale)
    taxes = _el(root, "Taxes")
    for row in totals.taxes:
        if not (row.gross or row.net or row.tax):
            continue  # DECISIONS R7: no row for a tax key whose amounts are all zero
        key = state.key(row.tax_key_id)
        tax = _el(taxes, "Tax")
        _el(tax, "TaxKey", TaxKeyID=key.id, TaxKeyName=key.name)
        _el(tax, "TaxName", "PVN" if key.name.upper().startswith("PVN") else "VAT")
        _el(tax, "GrossAmount", money(row.gross))
        _el(tax, "NetAmount", money(row.net))
        _el(tax, "TaxAmount", money(row.tax))
        _el(tax, "Account", AccountID="2673464", AccountName="5721 - Output VAT")
    qty = sum((line.qty for line in sale.lines), Decimal(0))
    _el(root, "Totals", GrossAmount=money(totals.gross), NetAmount=money(totals.net), Qty=money(qty))


def _payments(root: ET.Element, state: SandboxState, sale: Sale) -> None:
    payments = _el(root, "Payments")
    for p in state.sale_payments(sale):
        row = _el(payments, "Payment", PaymentDate=p.date, PaymentType="bank",
                  PaymentAmount=money(p.amount), JournalID=p.id, JournalRef=f"{p.date.replace('-', '')}/{p.id[-3:]}")
        _el(row, "DocumentLink", DocumentID=p.id, DocumentRef=f"PAY/{p.id}", DocumentType="payment")
        # As real responses (R3): no Comment and no money account.


def _message_log(root: ET.Element, state: SandboxState, sale: Sale) -> None:
    log = _el(root, "MessageLog")
    client = state.clients.get(sale.client_id)
    for m in sale.messages:
        _el(log, "Message", Created=m.created, DeliveredBy="email", From="noreply@paytraq.com",
            To=m.to, SenderName=state.company_name, RecipientName=client.name if client else "",
            Kind="document", Subject=m.subject, EventType=sale.sale_type, EventStatus="delivered",
            BounceReason="")


def sale_xml(state: SandboxState, sale: Sale) -> bytes:
    root = ET.Element("Sale")
    _header(root, state, sale, full=True)
    _el(root, "CustomData")
    _lines(root, state, sale, state.totals(sale).line_totals)
    _charges(root, state, sale)
    _taxes(root, state, sale)
    for reference in ("InvoiceReference", "OrderReference", "ProformaReference", "MovementReference"):
        _el(root, reference)
    _payments(root, state, sale)
    _el(root, "Journals")
    _el(root, "Tags")
    _message_log(root, state, sale)
    _el(root, "Notes")
    return to_bytes(root)


def sales_xml(state: SandboxState, sales: list[Sale]) -> bytes:
    """List items carry the header essentials only (§7.7): fetch a sale for its lines."""
    root = ET.Element("Sales")
    for sale in sales:
        _header(_el(root, "Sale"), state, sale, full=False)
    return to_bytes(root)
