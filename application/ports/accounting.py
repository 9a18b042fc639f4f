"""PayTraq, as the order flow and the stock sync need it: the records it answers with and the
port its client (adapters/paytraq) and its fake (adapters/memory/accounting.py) implement."""

from __future__ import annotations

import abc
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from application.ports.write_dialects import WriteDialect
from domain.documents import Document
from domain.paytraq_totals import TaxKey
from domain.sale_status import SaleStatus


@dataclass(frozen=True, slots=True)
class ClientRecord:
    id: str
    name: str
    email: str = ""
    registration_number: str = ""
    vat_number: str = ""


@dataclass(frozen=True, slots=True)
class NewClient:
    name: str
    type: int  # 1 = individual, 2 = legal entity
    email: str = ""
    phone: str = ""
    registration_number: str = ""
    vat_number: str = ""
    address: str = ""
    zip: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class SalePayment:
    amount: Decimal
    date: date | None = None
    money_account_id: str | None = None
    comment: str = ""
    paytraq_id: str | None = None


@dataclass(frozen=True, slots=True)
class SaleRecord:
    """A sale as PayTraq reports it back (GET sale/{id})."""

    id: str
    ref: str
    sale_type: str
    status: str  # a SaleStatus
    total: Decimal
    amount_due: Decimal
    client_id: str = ""
    tax: Decimal = Decimal("0.00")
    payments: tuple[SalePayment, ...] = ()
    emailed_to: tuple[str, ...] = ()
    updated: str | None = None
    warehouse_id: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.status == SaleStatus.DRAFT

    @property
    def is_voided(self) -> bool:
        return self.status == SaleStatus.VOIDED


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    amount: Decimal
    date: date
    money_account_id: str
    comment: str
    reference: str  # the Mozello order id: the natural key of this payment
    sale_type: str | None = None  # when the caller knows it, PayTraq need not be asked


@dataclass(frozen=True, slots=True)
class PaymentReceipt:
    amount: Decimal
    overpayment: bool
    paytraq_id: str | None = None


@dataclass(frozen=True, slots=True)
class ProductStock:
    item_id: str
    code: str
    qty: Decimal


@dataclass(frozen=True, slots=True)
class SaleSummary:
    id: str
    ref: str
    status: str
    updated: str | None = None
    date: str | None = None  # DocumentDate, YYYY-MM-DD
    total: Decimal | None = None  # Header/Total, which list items carry (paytraq-api.md §7.7)
    sale_type: str = ""


@dataclass(frozen=True, slots=True)
class SaleLine:
    item_id: str | None
    code: str
    qty: Decimal


@dataclass(frozen=True, slots=True)
class SaleLines:
    id: str
    updated: str | None
    warehouse_id: str | None
    lines: tuple[SaleLine, ...]


@dataclass(frozen=True, slots=True)
class PriceEntry:
    item_id: str
    code: str
    price: Decimal
    currency: str = "EUR"


class AccountingPort(abc.ABC):
    """PayTraq, as the order flow and the stock sync need it."""

    calls_made: int = 0
    write_dialect: WriteDialect | None = None  # the write shapes that worked, where that varies

    def calls_in_this_thread(self) -> int:
        """Calls made by the current thread (a worker thread handles one order at a time)."""
        return self.calls_made

    @abc.abstractmethod
    def search_clients(self, query: str) -> list[ClientRecord]: ...

    @abc.abstractmethod
    def create_client(self, client: NewClient) -> str: ...

    @abc.abstractmethod
    def find_item_id(self, code: str) -> str | None:
        """The ItemID of the product whose Code equals `code` exactly."""

    def forget_item(self, code: str) -> None:  # noqa: B027 - optional: most ports cache nothing
        """Drop `code` from any cache of ItemIDs (PayTraq refused a cached one)."""

    @abc.abstractmethod
    def tax_keys(self) -> list[TaxKey]: ...

    def forget_tax_keys(self) -> None:  # noqa: B027 - optional: most ports cache nothing
        """Drop any copy of the tax keys kept by this port (the shared copy is older)."""

    @abc.abstractmethod
    def find_sale_by_ref(self, ref: str, around: date | None = None,
                         exclude: Collection[str] = ()) -> SaleRecord | None:
        """The sale whose DocumentRef is `ref` exactly, none of `exclude` (an order's replaced
        Drafts), one not voided before a voided one; given `around` (the document date), a
        bounded search by date too when the reference search finds nothing."""

    @abc.abstractmethod
    def look_up_sale(self, ref: str, on: date | None = None) -> SaleSummary | None:
        """One call: the list item whose DocumentRef is `ref`, found by `sales?query=ref`, or
        (given `on`) in the first page of the sales dated `on`."""

    @abc.abstractmethod
    def create_sale(self, document: Document, query_finds_ref: bool = False,
                    exclude: Collection[str] = ()) -> str:
        """Create the draft; never creates a second sale with the same DocumentRef. After a
        lost answer it looks for the sale as `find_sale_by_ref` does (leaving out `exclude`) —
        by `query` alone when `query_finds_ref` (the channel check showed `sales?query=` finds
        a DocumentRef)."""

    @abc.abstractmethod
    def get_sale(self, sale_id: str) -> SaleRecord: ...

    @abc.abstractmethod
    def approve_sale(self, sale_id: str) -> None: ...

    @abc.abstractmethod
    def post_sale(self, sale_id: str) -> None: ...

    @abc.abstractmethod
    def void_sale(self, sale_id: str) -> None: ...

    @abc.abstractmethod
    def find_payment(self, sale_id: str, reference: str) -> PaymentReceipt | None:
        """A payment booked for this sale and order reference, when PayTraq shows one. None is
        no proof of absence: a sales order's overpayment may not be visible (R3)."""

    @abc.abstractmethod
    def add_payment(self, sale_id: str, payment: PaymentRequest) -> PaymentReceipt:
        """Book a payment; on a sales order PayTraq books it as the client's overpayment."""

    @abc.abstractmethod
    def send_sale(self, sale_id: str, email: str | None = None) -> None: ...

    @abc.abstractmethod
    def sale_pdf(self, sale_id: str) -> bytes: ...

    @abc.abstractmethod
    def warehouse_stock(self, warehouse_id: str) -> Iterator[ProductStock]: ...

    @abc.abstractmethod
    def approved_orders(self) -> list[SaleSummary]:
        """Sales orders in status in_process (approved, stock not yet shipped)."""

    @abc.abstractmethod
    def sale_lines(self, sale_id: str) -> SaleLines: ...

    @abc.abstractmethod
    def price_list(self, price_group_id: str) -> list[PriceEntry]: ...
