"""What the PayTraq sandbox knows and how documents behave: clients, products and stock, tax
keys, money accounts, price groups, sales with their statuses, payments and sent e-mails.

Totals are the sandbox's own PayTraq arithmetic (sandbox/totals.py, independent of the domain's
prediction). Rules follow
paytraq-api.md §7.5, §8 and DECISIONS.md P3–P5. Every refusal is a `Refused` with the message
PayTraq would put in `<Error><Message>`.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from adapters.paytraq.sandbox.dialect import CLIENT_QUERY_NAME_EMAIL, WireDialect
from adapters.paytraq.sandbox.totals import SaleAmount, SaleLine, SaleTotals, sale_totals
from domain.money import ZERO
from domain.paytraq_totals import TaxKey
from domain.sale_status import REACHED_WHEN_FINALISED, is_posted_type, status_when_finalised

SALE_TYPES = set(REACHED_WHEN_FINALISED)
OPERATIONS = {"sell_goods", "sell_services", "other_income"}
DEFAULT_SEED = Path(__file__).with_name("seed.json")


class Refused(Exception):
    """PayTraq says no: 400 (validation, invalid transition) or 404 (unknown id)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Client:
    id: str
    name: str
    email: str = ""
    type: int = 1
    reg_number: str = ""
    vat_number: str = ""
    address: str = ""
    zip: str = ""
    country: str = ""
    phone: str = ""
    created: str = field(default_factory=now_stamp)


@dataclass
class Product:
    item_id: str
    code: str
    name: str = ""
    barcode: str = ""
    tax_key_id: str = ""
    stock: dict[str, Decimal] = field(default_factory=dict)
    prices: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class MoneyAccount:
    id: str
    name: str
    type: str = "bank"  # bank | paypal | merchant | cash


@dataclass
class PriceGroup:
    id: str
    name: str
    currency: str = "EUR"


@dataclass
class Warehouse:
    id: str
    name: str


@dataclass
class Line:
    item_id: str | None
    description: str
    qty: Decimal
    price: Decimal
    discount: Decimal
    tax_key_id: str


@dataclass
class ChargeRow:
    """A shipping charge, or an adjustment when `type` is set."""

    amount: Decimal
    tax_key_id: str
    type: str = ""
    basis: str = "amount"
    description: str = ""


@dataclass
class Payment:
    id: str
    sale_id: str
    date: str
    amount: Decimal
    money_account_id: str
    comment: str
    overpayment: bool
    client_id: str = ""


@dataclass
class Message:
    created: str
    to: str
    subject: str


@dataclass
class Sale:
    id: str
    ref: str
    date: str
    client_id: str
    sale_type: str
    operation: str
    currency: str = "EUR"
    include_tax: bool = True
    comment: str = ""
    pay_term_days: int = 0
    warehouse_id: str | None = None
    ship_to: str = ""
    address: str = ""
    zip: str = ""
    country: str = ""
    lines: list[Line] = field(default_factory=list)
    shipping: ChargeRow | None = None
    adjustments: list[ChargeRow] = field(default_factory=list)
    status: str = "draft"
    payment_ids: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    created: str = field(default_factory=now_stamp)
    updated: str = field(default_factory=now_stamp)


class SandboxState:
    """One PayTraq company, in memory; thread-safe; saved to and loaded from JSON."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.company_name = "Sandbox SIA"
        self.credentials: list[tuple[str, str]] = []
        self.clients: dict[str, Client] = {}
        self.products: dict[str, Product] = {}
        self.tax_keys: dict[str, TaxKey] = {}
        self.money_accounts: dict[str, MoneyAccount] = {}
        self.price_groups: dict[str, PriceGroup] = {}
        self.warehouses: dict[str, Warehouse] = {}
        self.sales: dict[str, Sale] = {}
        self.payments: dict[str, Payment] = {}
        self._next_id = itertools.count(15600001)
        self.dialect = WireDialect()  # how strictly bodies are read (sandbox/dialect.py)
        self.connect_channels: dict = {}  # PayTraq Connect channels (sandbox/connect.py)
        self.connect_messages: list = []

    def new_id(self) -> str:
        with self.lock:
            return str(next(self._next_id))

    # --- seed and persistence ------------------------------------------------------------
    @classmethod
    def from_seed(cls, seed: dict) -> SandboxState:
        from adapters.paytraq.sandbox.seed_file import load_into

        state = cls()
        load_into(state, seed)
        return state

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> SandboxState:
        with open(path or DEFAULT_SEED, encoding="utf-8") as handle:
            return cls.from_seed(json.load(handle))

    def save(self, path: str | Path) -> None:
        from adapters.paytraq.sandbox.seed_file import dump

        with self.lock:
            data = dump(self)
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    def authenticates(self, api_key: str, api_token: str) -> bool:
        return bool(api_key) and (api_key, api_token) in self.credentials

    # --- clients -------------------------------------------------------------------------
    def create_client(self, client: Client) -> str:
        if not client.name.strip():
            raise Refused("Client name is required")
        if client.type not in (1, 2):
            raise Refused(f"Client type {client.type} is not valid (1 = individual, 2 = legal)")
        with self.lock:
            client.id = self.new_id()
            self.clients[client.id] = client
            return client.id

    def search_clients(self, query: str) -> list[Client]:
        """A free-text search (substring, any case) over the fields the dialect says."""
        q = query.strip().lower()
        with self.lock:
            return [c for c in self.clients.values()
                    if not q or any(q in v.lower() for v in self._client_fields(c))]

    def _client_fields(self, client: Client) -> tuple[str, ...]:
        if self.dialect.client_query == CLIENT_QUERY_NAME_EMAIL:
            return client.name, client.email
        return client.name, client.email, client.reg_number, client.vat_number

    def client(self, client_id: str) -> Client:
        found = self.clients.get(client_id)
        if found is None:
            raise Refused(f"Client {client_id} not found", 404)
        return found

    # --- catalogue -----------------------------------------------------------------------
    def search_products(self, query: str) -> list[Product]:
        q = query.strip().lower()
        with self.lock:
            return [
                p for p in self.products.values()
                if not q or any(q in v.lower() for v in (p.code, p.name, p.barcode))
            ]

    def product(self, item_id: str) -> Product:
        found = self.products.get(item_id)
        if found is None:
            raise Refused(f"Product {item_id} not found", 404)
        return found

    def warehouse(self, warehouse_id: str) -> Warehouse:
        found = self.warehouses.get(warehouse_id)
        if found is None:
            raise Refused(f"Warehouse {warehouse_id} not found", 404)
        return found

    def price_group(self, group_id: str) -> PriceGroup:
        found = self.price_groups.get(group_id)
        if found is None:
            raise Refused(f"Price group {group_id} not found", 404)
        return found

    def key(self, key_id: str) -> TaxKey:
        return self.tax_keys[key_id]

    # --- sales ---------------------------------------------------------------------------
    def sale(self, sale_id: str) -> Sale:
        found = self.sales.get(sale_id)
        if found is None:
            raise Refused(f"Document {sale_id} not found", 404)
        return found

    def create_sale(self, sale: Sale) -> str:
        with self.lock:
            self._validate(sale)
            sale.id = self.new_id()
            sale.created = sale.updated = now_stamp()
            self.sales[sale.id] = sale
            return sale.id

    def _validate(self, sale: Sale) -> None:
        if sale.client_id not in self.clients:
            raise Refused(f"Client {sale.client_id or '(none)'} not found")
        if sale.sale_type not in SALE_TYPES:
            raise Refused(f"SaleType {sale.sale_type!r} is not valid")
        if sale.operation not in OPERATIONS:
            raise Refused(f"Operation {sale.operation!r} is not valid")
        if not sale.lines:
            raise Refused("Document has no line items")
        if sale.operation == "sell_goods":
            if sale.warehouse_id is None and self.warehouses:
                sale.warehouse_id = next(iter(self.warehouses))
            if sale.warehouse_id not in self.warehouses:
                raise Refused(f"Warehouse {sale.warehouse_id} not found")
        for number, line in enumerate(sale.lines, start=1):
            if line.item_id is not None:
                product = self.products.get(line.item_id)
                if product is None:
                    raise Refused(f"Line {number}: item {line.item_id} not found")
                line.tax_key_id = line.tax_key_id or product.tax_key_id
                line.description = line.description or product.name
            if line.qty <= 0:
                raise Refused(f"Line {number}: Qty must be positive")
            self._check_key(line.tax_key_id, f"Line {number}")
        if sale.shipping is not None:
            self._check_key(sale.shipping.tax_key_id, "ShippingCharge")
        for number, adjustment in enumerate(sale.adjustments, start=1):
            if adjustment.type not in ("discount", "charge"):
                raise Refused(f"Adjustment {number}: TypeID must be discount or charge")
            if adjustment.basis not in ("pct", "amount"):
                raise Refused(f"Adjustment {number}: PctOrAmount must be pct or amount")
            self._check_key(adjustment.tax_key_id, f"Adjustment {number}")

    def _check_key(self, key_id: str, where: str) -> None:
        if not key_id:
            raise Refused(f"{where}: TaxKey is required")
        if key_id not in self.tax_keys:
            raise Refused(f"{where}: tax key {key_id} not found")

    def totals(self, sale: Sale) -> SaleTotals:
        shipping = (
            SaleAmount(sale.shipping.amount, sale.shipping.tax_key_id)
            if sale.shipping is not None
            else None
        )
        return sale_totals(
            sale.include_tax,
            [SaleLine(li.qty, li.price, li.discount, li.tax_key_id) for li in sale.lines],
            shipping,
            [SaleAmount(a.amount, a.tax_key_id, a.type, a.basis) for a in sale.adjustments],
            {key_id: key.rate for key_id, key in self.tax_keys.items()},
        )

    def sale_payments(self, sale: Sale) -> list[Payment]:
        return [self.payments[pid] for pid in sale.payment_ids]

    def amount_due(self, sale: Sale) -> Decimal:
        if sale.status == "voided":
            return ZERO
        paid = sum((p.amount for p in self.sale_payments(sale)), ZERO)
        return self.totals(sale).total - paid

    def list_sales(self, query: str = "", status: str = "", date_from: str = "",
                   date_till: str = "") -> list[Sale]:
        """`query` matches the comment (and DocumentRef unless the dialect says it does not,
        R4); `date_from`/`date_till` bound the document date (inclusive)."""
        q = query.strip().lower()
        by_ref = self.dialect.query_matches_ref
        with self.lock:
            found = [
                s for s in self.sales.values()
                if (not q or (by_ref and q in s.ref.lower()) or q in s.comment.lower())
                and (not status or s.status == status)
                and (not date_from or s.date >= parse_day(date_from))
                and (not date_till or s.date <= parse_day(date_till))
            ]
        return sorted(found, key=lambda s: (s.date, int(s.id)), reverse=True)  # newest first

    # --- status transitions (P3, §7.5) ----------------------------------------------------
    def approve(self, sale_id: str) -> None:
        with self.lock:
            sale = self.sale(sale_id)
            if is_posted_type(sale.sale_type):
                raise Refused(f"A {sale.sale_type} is posted, not approved")
            self._require_draft(sale, "approved")
            self._set_status(sale, status_when_finalised(sale.sale_type))

    def post(self, sale_id: str) -> None:
        with self.lock:
            sale = self.sale(sale_id)
            if not is_posted_type(sale.sale_type):
                raise Refused(f"A {sale.sale_type} is approved, not posted")
            self._require_draft(sale, "posted")
            self._set_status(sale, status_when_finalised(sale.sale_type))

    def void(self, sale_id: str) -> None:
        with self.lock:
            sale = self.sale(sale_id)
            if sale.status == "voided":
                raise Refused(f"Document {sale.ref} is already voided")
            if sale.payment_ids:
                raise Refused(f"Document {sale.ref} has payments; remove them before voiding")
            self._set_status(sale, "voided")

    @staticmethod
    def _require_draft(sale: Sale, action: str) -> None:
        if sale.status != "draft":
            raise Refused(f"Only a draft can be {action}; document {sale.ref} is {sale.status}")

    @staticmethod
    def _set_status(sale: Sale, status: str) -> None:
        sale.status = status
        sale.updated = now_stamp()

    # --- payments (P4, §8) ----------------------------------------------------------------
    def add_payment(self, sale_id: str, payment: Payment) -> str:
        with self.lock:
            sale = self.sale(sale_id)
            if payment.money_account_id not in self.money_accounts:
                raise Refused(f"Money account {payment.money_account_id or '(none)'} not found")
            if payment.amount <= 0:
                raise Refused("Payment amount must be positive")
            if sale.status == "voided":
                raise Refused(f"Document {sale.ref} is voided")
            payment.id, payment.sale_id, payment.client_id = self.new_id(), sale.id, sale.client_id
            payment.overpayment = sale.sale_type == "sales_order"
            if not payment.overpayment:
                if sale.status == "draft":
                    raise Refused("Payments can be added to approved or posted documents only")
                if sale.status in ("paid", "done"):
                    raise Refused(f"Document {sale.ref} is already paid")
                sale.payment_ids.append(payment.id)
            self.payments[payment.id] = payment
            if not payment.overpayment and self.amount_due(sale) <= 0:
                sale.status = "paid"
            sale.updated = now_stamp()
            return payment.id

    def client_advance(self, client_id: str) -> Decimal:
        return sum(
            (p.amount for p in self.payments.values() if p.overpayment and p.client_id == client_id),
            ZERO,
        )

    def search_payments(self, query: str) -> list[Payment]:
        q = query.strip().lower()
        with self.lock:
            return [p for p in self.payments.values() if not q or q in p.comment.lower()]

    # --- e-mail (P5) ---------------------------------------------------------------------
    def send(self, sale_id: str, email: str | None) -> str:
        with self.lock:
            sale = self.sale(sale_id)
            to = email or self.client(sale.client_id).email
            if not to:
                raise Refused("Client has no e-mail address")
            subject = f"{self.company_name}: {sale.sale_type.replace('_', ' ')} {sale.ref}"
            sale.messages.append(Message(now_stamp(), to, subject))
            sale.updated = now_stamp()
            return to


def parse_day(value: str) -> str:
    """A `YYYY-MM-DD` date, or today when empty."""
    if not value:
        return date.today().isoformat()
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise Refused(f"{value!r} is not a date (YYYY-MM-DD)") from exc
