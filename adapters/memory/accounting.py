"""An in-memory PayTraq: the same behaviour as the PayTraq sandbox, seen through the port.

Totals are the PayTraq sandbox's own arithmetic (adapters/paytraq/sandbox/totals.py), not the
domain's prediction, so a test where "PayTraq agrees" compares two implementations. Faults can be injected per operation,
including "the write happened but the answer was lost", to prove the handlers idempotent.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from adapters.outside_calls import mentions
from adapters.paytraq.sandbox import totals as paytraq_arithmetic
from application.errors import NotFound, PermanentError, TransientError
from application.ports import (
    AccountingPort,
    AccountingProbe,
    ClientRecord,
    ContentCharge,
    ContentLine,
    NewClient,
    PaymentReceipt,
    PaymentRequest,
    PriceEntry,
    ProductStock,
    SaleContents,
    SaleLine,
    SaleLines,
    SalePayment,
    SaleRecord,
    SaleSummary,
)
from domain.documents import Document
from domain.money import ZERO
from domain.paytraq_totals import TaxKey
from domain.sale_status import SaleStatus, is_posted_type, status_when_finalised


@dataclass
class FakeSale:
    id: str
    document: Document
    status: str = "draft"
    payments: list[SalePayment] = field(default_factory=list)
    emailed_to: list[str] = field(default_factory=list)
    updated: str = ""

    def totals(self, keys: dict[str, TaxKey]) -> paytraq_arithmetic.SaleTotals:
        """What PayTraq computes for this sale, with the rates of the keys PayTraq has."""
        document = self.document
        shipping = document.shipping
        return paytraq_arithmetic.sale_totals(
            document.include_tax,
            [paytraq_arithmetic.SaleLine(ln.qty, ln.price, ln.discount_pct, ln.tax_key.id)
             for ln in document.lines],
            paytraq_arithmetic.SaleAmount(shipping.amount, shipping.tax_key.id) if shipping else None,
            [paytraq_arithmetic.SaleAmount(a.amount, a.tax_key.id, a.type.value, a.basis.value)
             for a in document.adjustments],
            {key_id: key.rate for key_id, key in keys.items()},
        )


@dataclass
class FakeProduct:
    item_id: str
    code: str
    name: str = ""
    stock: dict[str, Decimal] = field(default_factory=dict)
    prices: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Overpayment:
    client_id: str
    sale_id: str
    reference: str
    amount: Decimal
    money_account_id: str
    id: str


class FakeAccounting(AccountingPort, AccountingProbe):
    def __init__(self, tax_keys: list[TaxKey] | None = None, money_accounts: list[str] | None = None):
        self._ids = itertools.count(900001)
        self.clients: dict[str, ClientRecord] = {}
        self.created_clients: dict[str, NewClient] = {}  # what create_client was given, by id
        self.products: dict[str, FakeProduct] = {}
        self.keys: dict[str, TaxKey] = {k.id: k for k in (tax_keys or [])}
        self.money_accounts = set(money_accounts or [])
        self.sales: dict[str, FakeSale] = {}
        self.overpayments: list[Overpayment] = []
        self.calls: list[str] = []
        self.ref_lookups: list[str] = []  # per look-up by DocumentRef: "query" | "query+dates"
        self.forgotten: list[str] = []
        self.calls_made = 0
        self.overpayments_visible = True  # False: as PayTraq may be, no way to find them again
        self.client_query_numbers = True  # False: clients?query= matches name and e-mail only
        self.client_queries: list[str] = []  # each clients?query= asked, in turn
        self._faults: dict[str, list[tuple[str, Exception]]] = {}

    # --- test controls -------------------------------------------------------------------
    def add_product(self, code: str, name: str = "", stock: dict[str, Decimal] | None = None,
                    prices: dict[str, Decimal] | None = None) -> str:
        item_id = str(next(self._ids))
        self.products[code] = FakeProduct(item_id, code, name, dict(stock or {}), dict(prices or {}))
        return item_id

    def fail(self, operation: str, error: Exception, after_write: bool = False) -> None:
        """Make the next call of `operation` raise; with after_write the effect happens first."""
        self._faults.setdefault(operation, []).append(("after" if after_write else "before", error))

    def _call(self, operation: str) -> tuple[str, Exception] | None:
        self.calls.append(operation)
        self.calls_made += 1
        faults = self._faults.get(operation)
        if faults:
            when, error = faults.pop(0)
            if when == "before":
                raise error
            return when, error
        return None

    @staticmethod
    def _after(fault: tuple[str, Exception] | None) -> None:
        if fault is not None:
            raise fault[1]

    def _new_id(self) -> str:
        return str(next(self._ids))

    def _sale(self, sale_id: str) -> FakeSale:
        sale = self.sales.get(sale_id)
        if sale is None:
            raise NotFound(f"sale {sale_id} not found")
        return sale

    def _touch(self, sale: FakeSale) -> None:
        sale.updated = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    # --- clients -------------------------------------------------------------------------
    def search_clients(self, query: str) -> list[ClientRecord]:
        self._call("search_clients")
        self.client_queries.append(query)
        q = query.lower()
        return [
            c for c in self.clients.values()
            if q in c.name.lower() or q in c.email.lower()
            or (self.client_query_numbers
                and (q in c.registration_number.lower() or q in c.vat_number.lower()))
        ]

    def create_client(self, client: NewClient) -> str:
        fault = self._call("create_client")
        if not client.name.strip():
            raise PermanentError("Client name is required")
        client_id = self._new_id()
        self.created_clients[client_id] = client
        self.clients[client_id] = ClientRecord(
            client_id, client.name, client.email, client.registration_number, client.vat_number
        )
        self._after(fault)
        return client_id

    # --- catalogue -----------------------------------------------------------------------
    def find_item_id(self, code: str) -> str | None:
        self._call("find_item_id")
        product = self.products.get(code)
        return product.item_id if product else None

    def forget_item(self, code: str) -> None:
        self.forgotten.append(code)

    def tax_keys(self) -> list[TaxKey]:
        self._call("tax_keys")
        return list(self.keys.values())

    # --- sales ---------------------------------------------------------------------------
    def _record(self, sale: FakeSale) -> SaleRecord:
        totals = sale.totals(self.keys)
        paid = sum((p.amount for p in sale.payments), ZERO)
        due = ZERO if sale.status == "voided" else totals.total - paid  # as PayTraq (§7.5)
        return SaleRecord(
            id=sale.id,
            ref=sale.document.document_ref,
            sale_type=sale.document.sale_type.value,
            status=sale.status,
            total=totals.total,
            amount_due=due,
            client_id=sale.document.client_id,
            tax=totals.tax,
            payments=tuple(sale.payments),
            emailed_to=tuple(sale.emailed_to),
            updated=sale.updated,
            warehouse_id=sale.document.warehouse_id,
        )

    def find_sale_by_ref(self, ref: str, around: date | None = None,
                         exclude: Collection[str] = ()) -> SaleRecord | None:
        self.ref_lookups.append("query" if around is None else "query+dates")
        self._call("find_sale_by_ref")
        found = [sale for sale in self.sales.values()
                 if sale.document.document_ref == ref and sale.id not in exclude]
        found.sort(key=lambda sale: sale.status == "voided")  # a live one first
        return self._record(found[0]) if found else None

    def look_up_sale(self, ref: str, on: date | None = None) -> SaleSummary | None:
        self._call("look_up_sale")
        for sale in self.sales.values():
            document = sale.document
            if document.document_ref == ref and (on is None or document.document_date == on):
                record = self._record(sale)
                return SaleSummary(sale.id, ref, sale.status, sale.updated,
                                   document.document_date.isoformat(), record.total,
                                   record.sale_type)
        return None

    def create_sale(self, document: Document, query_finds_ref: bool = False,
                    exclude: Collection[str] = ()) -> str:
        fault = self._call("create_sale")
        if document.client_id not in self.clients:
            raise PermanentError(f"Client {document.client_id} not found")
        for line in document.lines:
            if line.tax_key.id not in self.keys:
                raise PermanentError(f"Tax key {line.tax_key.id} not found")
            if line.item_id is not None and line.item_id not in {
                p.item_id for p in self.products.values()
            }:
                raise PermanentError(f"Item {line.item_id} not found")
        charges = [document.shipping] if document.shipping else []
        for charge in (*charges, *document.adjustments):  # as the sandbox: every key must exist
            if charge.tax_key.id not in self.keys:
                raise PermanentError(f"Tax key {charge.tax_key.id} not found")
        sale = FakeSale(self._new_id(), document)
        self._touch(sale)
        self.sales[sale.id] = sale
        self._after(fault)
        return sale.id

    def get_sale(self, sale_id: str) -> SaleRecord:
        self._call("get_sale")
        return self._record(self._sale(sale_id))

    def approve_sale(self, sale_id: str) -> None:
        fault = self._call("approve_sale")
        sale = self._sale(sale_id)
        kind = sale.document.sale_type.value
        if is_posted_type(kind):
            raise PermanentError(f"a {kind} is posted, not approved")
        if sale.status == SaleStatus.DRAFT:
            sale.status = status_when_finalised(kind)
            self._touch(sale)
        self._after(fault)

    def post_sale(self, sale_id: str) -> None:
        fault = self._call("post_sale")
        sale = self._sale(sale_id)
        kind = sale.document.sale_type.value
        if not is_posted_type(kind):
            raise PermanentError(f"a {kind} is approved, not posted")
        if sale.status == SaleStatus.DRAFT:
            sale.status = status_when_finalised(kind)
            self._touch(sale)
        self._after(fault)

    def void_sale(self, sale_id: str) -> None:
        fault = self._call("void_sale")
        sale = self._sale(sale_id)
        if sale.payments:
            raise PermanentError(f"Document {sale.document.document_ref} has payments")
        sale.status = SaleStatus.VOIDED
        self._touch(sale)
        self._after(fault)

    # --- payments ------------------------------------------------------------------------
    def find_payment(self, sale_id: str, reference: str) -> PaymentReceipt | None:
        self._call("find_payment")
        sale = self._sale(sale_id)
        for payment in sale.payments:
            if mentions(payment.comment, reference):
                return PaymentReceipt(payment.amount, False, payment.paytraq_id)
        for advance in self.overpayments if self.overpayments_visible else ():
            if advance.sale_id == sale_id and advance.reference == reference:
                return PaymentReceipt(advance.amount, True, advance.id)
        return None

    def add_payment(self, sale_id: str, payment: PaymentRequest) -> PaymentReceipt:
        fault = self._call("add_payment")
        sale = self._sale(sale_id)
        if self.money_accounts and payment.money_account_id not in self.money_accounts:
            raise PermanentError(f"Money account {payment.money_account_id} not found")
        if payment.amount <= 0:
            raise PermanentError("Payment amount must be positive")
        payment_id = self._new_id()
        if sale.document.sale_type.payment_is_overpayment:
            self.overpayments.append(
                Overpayment(sale.document.client_id, sale_id, payment.reference, payment.amount,
                            payment.money_account_id, payment_id)
            )
            receipt = PaymentReceipt(payment.amount, True, payment_id)
        else:
            if sale.status == "draft":
                raise PermanentError("Payments can be added to approved or posted documents only")
            sale.payments.append(
                SalePayment(payment.amount, payment.date, payment.money_account_id,
                            f"{payment.comment} [{payment.reference}]", payment_id)
            )
            due = self._record(sale).amount_due
            if due <= 0:
                sale.status = "paid"
            receipt = PaymentReceipt(payment.amount, False, payment_id)
        self._touch(sale)
        self._after(fault)
        return receipt

    def client_advance(self, client_id: str) -> Decimal:
        return sum((a.amount for a in self.overpayments if a.client_id == client_id), ZERO)

    # --- e-mail and PDF ------------------------------------------------------------------
    def send_sale(self, sale_id: str, email: str | None = None) -> None:
        fault = self._call("send_sale")
        sale = self._sale(sale_id)
        client = self.clients[sale.document.client_id]
        to = email or client.email
        if not to:
            raise PermanentError("Client has no e-mail address")
        sale.emailed_to.append(to)
        self._after(fault)

    def sale_pdf(self, sale_id: str) -> bytes:
        self._call("sale_pdf")
        sale = self._sale(sale_id)
        return f"%PDF-1.4\n% {sale.document.sale_type.value} {sale.document.document_ref}\n".encode()

    # --- stock ---------------------------------------------------------------------------
    def warehouse_stock(self, warehouse_id: str) -> Iterator[ProductStock]:
        self._call("warehouse_stock")
        for product in self.products.values():
            yield ProductStock(product.item_id, product.code, product.stock.get(warehouse_id, ZERO))

    def approved_orders(self) -> list[SaleSummary]:
        self._call("approved_orders")
        return [
            SaleSummary(s.id, s.document.document_ref, s.status, s.updated)
            for s in self.sales.values()
            if s.status == "in_process"
        ]

    def sale_lines(self, sale_id: str) -> SaleLines:
        self._call("sale_lines")
        sale = self._sale(sale_id)
        return SaleLines(
            sale.id,
            sale.updated,
            sale.document.warehouse_id,
            tuple(SaleLine(line.item_id, line.sku, line.qty) for line in sale.document.lines),
        )

    def price_list(self, price_group_id: str) -> list[PriceEntry]:
        self._call("price_list")
        return [
            PriceEntry(p.item_id, p.code, p.prices[price_group_id])
            for p in self.products.values()
            if price_group_id in p.prices
        ]

    # --- what `channel check` asks ---------------------------------------------------------
    def sales_listed(self, status: str = "") -> list[SaleSummary]:
        self._call("sales_listed")
        return [SaleSummary(s.id, s.document.document_ref, s.status, s.updated,
                            s.document.document_date.isoformat())
                for s in self.sales.values() if not status or s.status == status][:100]

    def sale_contents(self, sale_id: str) -> SaleContents:
        self._call("sale_contents")
        sale = self._sale(sale_id)
        doc, record = sale.document, self._record(sale)
        return SaleContents(
            sale.id, doc.document_ref, sale.status, doc.currency, doc.include_tax,
            record.total, record.tax,
            tuple(ContentLine(li.item_id, li.qty, li.price, li.discount_pct, li.tax_key.id)
                  for li in doc.lines),
            ContentCharge(doc.shipping.amount, doc.shipping.tax_key.id) if doc.shipping else None,
            tuple(ContentCharge(a.amount, a.tax_key.id, a.type.value, a.basis.value)
                  for a in doc.adjustments),
        )

def transient(message: str = "PayTraq did not answer in time") -> TransientError:
    return TransientError(message)


def refused_unsent(message: str = "PayTraq asks to wait 300 s before the next request"
                   ) -> TransientError:
    """What the HTTP adapter raises for a write PayTraq refused before acting (a 429)."""
    error = TransientError(message, 300.0)
    error.write_not_sent = True
    return error
