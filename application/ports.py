"""Ports: what the application needs from the outside world. Adapters implement these ABCs;
in-memory fakes (adapters/memory) implement them too, for the demo and the unit tests."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from application.inbox_listing import Cursor, InboxPage, InboxQuery
from domain.documents import Document
from domain.inbox import InboxItem, InboxStatus
from domain.orders import SalesOrder
from domain.paytraq_totals import TaxKey
from domain.settings import Channel

# --- accounting (PayTraq) ---------------------------------------------------------------


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
    status: str
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
        return self.status == "draft"


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

    @abc.abstractmethod
    def find_sale_by_ref(self, ref: str) -> SaleRecord | None: ...

    @abc.abstractmethod
    def create_sale(self, document: Document) -> str:
        """Create the draft; never creates a second sale with the same DocumentRef."""

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
        """A payment already booked for this sale and order reference, if any."""

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


# --- shop (Mozello) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShopOrder:
    order: SalesOrder
    raw: dict


@dataclass(frozen=True, slots=True)
class ShopVariant:
    handle: str
    sku: str
    stock: int | None
    price: Decimal | None
    sale_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ShopProduct:
    handle: str
    sku: str
    stock: int | None
    price: Decimal | None
    sale_price: Decimal | None = None
    variants: tuple[ShopVariant, ...] = ()
    raw: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class SkuUpdate:
    sku: str
    stock: int | None = None
    price: Decimal | None = None
    sale_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class VariantUpdate:
    variant_handle: str
    stock: int | None = None
    price: Decimal | None = None
    sale_price: Decimal | None = None


class ShopPort(abc.ABC):
    """Mozello's Store API, as the order flow and the stock sync need it."""

    calls_made: int = 0

    @abc.abstractmethod
    def validate_key(self) -> None:
        """Raise AuthenticationFailed when the key is not accepted."""

    @abc.abstractmethod
    def set_notifications(self, url: str | None, events: Iterable[str]) -> None: ...

    @abc.abstractmethod
    def get_notifications(self) -> tuple[str | None, list[str]]: ...

    @abc.abstractmethod
    def get_order(self, order_id: str) -> ShopOrder: ...

    @abc.abstractmethod
    def orders_modified_since(self, since: datetime | None) -> Iterator[ShopOrder]: ...

    @abc.abstractmethod
    def list_products(self) -> Iterator[ShopProduct]: ...

    @abc.abstractmethod
    def get_product(self, handle: str) -> ShopProduct: ...

    @abc.abstractmethod
    def update_by_sku(self, updates: list[SkuUpdate]) -> int:
        """Batch stock/price writes for products without variants; returns calls made."""

    @abc.abstractmethod
    def update_variants(self, handle: str, updates: list[VariantUpdate]) -> None:
        """Change some variants' stock/price, sending the complete variant set (no variant lost)."""

    @abc.abstractmethod
    def update_product(
        self, handle: str, stock: int | None = None, price: Decimal | None = None
    ) -> None: ...


# --- e-mail -----------------------------------------------------------------------------


class MailerPort(abc.ABC):
    via: str = "paytraq"

    @abc.abstractmethod
    def send_document(self, item: InboxItem, sale: SaleRecord, to: str) -> None:
        """Send the sale document to the client, at most once per document."""

    @abc.abstractmethod
    def already_sent(self, item: InboxItem, sale: SaleRecord) -> bool: ...


# --- storage ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelCredentials:
    mozello_api_key: str = ""
    paytraq_api_key: str = ""
    paytraq_api_token: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_security: str = "starttls"

    def __repr__(self) -> str:  # secrets never reach logs through repr
        return "ChannelCredentials(***)"


@dataclass(slots=True)
class RawDelivery:
    """A webhook body exactly as received, kept before anything is answered."""

    channel_id: str
    body: bytes
    headers: dict[str, str]
    received_at: datetime
    fingerprint: str
    event: str = ""
    order_id: str | None = None
    id: str | None = None
    duplicate: bool = False
    error: str | None = None


class InboxRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str, order_id: str, for_update: bool = False) -> InboxItem | None: ...

    @abc.abstractmethod
    def add(self, item: InboxItem) -> None: ...

    @abc.abstractmethod
    def list(
        self, channel_id: str | None = None, status: InboxStatus | None = None
    ) -> list[InboxItem]: ...

    @abc.abstractmethod
    def page(self, query: InboxQuery, limit: int = 50, after: Cursor | None = None) -> InboxPage:
        """Newest first; at most `limit` items strictly older than `after`."""

    @abc.abstractmethod
    def count_by_status(self, query: InboxQuery) -> dict[InboxStatus, int]:
        """How many items match `query` (its status ignored), per status."""


class ChannelRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str) -> Channel | None: ...

    @abc.abstractmethod
    def add(self, channel: Channel, credentials: ChannelCredentials) -> None: ...

    @abc.abstractmethod
    def update(self, channel: Channel) -> None: ...

    @abc.abstractmethod
    def list(self) -> list[Channel]: ...

    @abc.abstractmethod
    def credentials(self, channel_id: str) -> ChannelCredentials: ...

    @abc.abstractmethod
    def set_credentials(self, channel_id: str, credentials: ChannelCredentials) -> None: ...


class DeliveryRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, delivery: RawDelivery) -> RawDelivery:
        """Store it; marks `duplicate` when the same fingerprint was stored before."""

    @abc.abstractmethod
    def list(self, channel_id: str) -> list[RawDelivery]: ...

    @abc.abstractmethod
    def get(self, delivery_id: str) -> RawDelivery | None: ...

    @abc.abstractmethod
    def for_order(self, channel_id: str, order_id: str, limit: int = 50) -> list[RawDelivery]:
        """The order's deliveries, oldest first (the newest `limit`)."""

    @abc.abstractmethod
    def recent(self, channel_id: str, limit: int = 20) -> list[RawDelivery]:
        """The channel's newest deliveries, newest first."""


class ClientCache(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str, match_key: str) -> str | None: ...

    @abc.abstractmethod
    def put(self, channel_id: str, match_key: str, client_id: str) -> None: ...


class WatermarkRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str, name: str) -> datetime | None: ...

    @abc.abstractmethod
    def set(self, channel_id: str, name: str, value: datetime) -> None: ...


class UnitOfWork(abc.ABC):
    inbox: InboxRepository
    channels: ChannelRepository
    deliveries: DeliveryRepository
    clients: ClientCache
    watermarks: WatermarkRepository

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, *args: object) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


# --- the rest of the world --------------------------------------------------------------


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime:
        """Timezone-aware current time."""


class ExpiringLock(abc.ABC):
    """A named lock with an expiry, shared by every process, so a crashed holder cannot block
    forever: one worker per order, one stock sync per channel."""

    @abc.abstractmethod
    def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take the lock for `holder` until `now + ttl`; False while another holder's lock has
        not expired (an expired one is taken over)."""

    @abc.abstractmethod
    def release(self, name: str, holder: str) -> None:
        """Let go of the lock if `holder` still holds it (never someone else's)."""


class Gateways(abc.ABC):
    """Builds the adapters of one channel (its credentials, its rate limits)."""

    @abc.abstractmethod
    def accounting(self, channel_id: str) -> AccountingPort: ...

    @abc.abstractmethod
    def shop(self, channel_id: str) -> ShopPort: ...

    @abc.abstractmethod
    def mailer(self, channel_id: str) -> MailerPort: ...
