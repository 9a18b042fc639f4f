"""What a channel's owner chose: the seed's switches, mappings and sync settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum

from domain.money import ZERO
from domain.orders import SalesOrder


class DocumentType(StrEnum):
    SALES_INVOICE = "sales_invoice"
    SALES_ORDER = "sales_order"
    SALES_PROFORMA = "sales_proforma"
    SALES_RECEIPT = "sales_receipt"


    @property
    def payment_is_overpayment(self) -> bool:
        """A sales order cannot be paid: the money becomes the client's advance (pārmaksa)."""
        return self is DocumentType.SALES_ORDER


class Operation(StrEnum):
    SELL_GOODS = "sell_goods"
    SELL_SERVICES = "sell_services"
    OTHER_INCOME = "other_income"


class Trigger(StrEnum):
    RECEIVED = "received"
    PAID = "paid"


class UnknownSkuPolicy(StrEnum):
    HOLD = "hold"
    FREE_TEXT_LINE = "free_text_line"


class EmailVia(StrEnum):
    PAYTRAQ = "paytraq"
    SMTP = "smtp"


class PayTraqTransport(StrEnum):
    """How documents reach PayTraq: its REST API (a call per step), or PayTraq Connect (one
    documented call per order into PayTraq's own Sales Inbox, which then does the steps)."""

    REST = "rest"
    CONNECT = "connect"


@dataclass(frozen=True, slots=True)
class PaymentMapping:
    """A Mozello payment method booked to a PayTraq money account."""

    method: str
    money_account_id: str
    merchant_account: bool = False


@dataclass(frozen=True, slots=True)
class StockSyncSettings:
    sync_prices: bool = False
    price_group_id: str | None = None
    daily: bool = False
    daily_time: time = time(6, 0)
    timezone: str = "Europe/Riga"
    track_untracked: bool = False
    sync_sale_price: bool = False

    def problems(self) -> list[str]:
        """What keeps these settings from working, in words for the shop owner."""
        if self.sync_prices and not self.price_group_id:
            return ["'sync prices' is on but no PayTraq price group is chosen"]
        return []


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    auto_process: bool = False
    # orders placed before automatic processing was switched on wait for a person: switching
    # it on must not send the shop's history to PayTraq
    auto_process_since: datetime | None = None
    trigger: Trigger = Trigger.PAID
    trigger_overrides: tuple[tuple[str, Trigger], ...] = ()
    document_type: DocumentType = DocumentType.SALES_ORDER
    operation: Operation = Operation.SELL_GOODS
    approve: bool = False
    add_payment: bool = False
    send_email: bool = False
    payment_mappings: tuple[PaymentMapping, ...] = ()
    tax_keys: tuple[tuple[Decimal, str], ...] = ()
    rounding_tax_key: str | None = None
    warehouse_id: str | None = None
    unknown_sku: UnknownSkuPolicy = UnknownSkuPolicy.HOLD
    rounding_limit: Decimal = ZERO
    stock_sync: StockSyncSettings = field(default_factory=StockSyncSettings)
    email_via: EmailVia = EmailVia.PAYTRAQ
    paytraq_transport: PayTraqTransport = PayTraqTransport.REST
    currency: str = "EUR"  # the PayTraq company's currency: orders in another one are held

    def stock_sync_problems(self) -> list[str]:
        """What keeps a stock sync of this channel from running, in words for the shop owner."""
        missing = [] if self.warehouse_id else [
            "choose the channel's PayTraq warehouse before syncing stock"]
        return missing + self.stock_sync.problems()

    def trigger_for(self, payment_method: str) -> Trigger:
        return dict(self.trigger_overrides).get(payment_method, self.trigger)

    def ready_to_process(self, order: SalesOrder) -> bool:
        """Automatic processing starts on receipt, or (the default, as PayTraq's own Mozello
        channel does) only once Mozello reports the order paid."""
        if not self.auto_process:
            return False
        if self.auto_process_since is not None and (
            # Mozello's order times have whole seconds: the same second counts as after
            order.created_at < self.auto_process_since.replace(microsecond=0)
        ):
            return False
        return self.trigger_for(order.payment_method) == Trigger.RECEIVED or order.is_paid

    def payment_mapping_for(self, payment_method: str) -> PaymentMapping | None:
        for mapping in self.payment_mappings:
            if mapping.method == payment_method:
                return mapping
        return None

    def tax_key_for(self, rate: Decimal | None) -> str | None:
        wanted = Decimal(0) if rate is None else rate
        for mapped_rate, key in self.tax_keys:
            if mapped_rate == wanted:
                return key
        return None


@dataclass(frozen=True, slots=True)
class Channel:
    """One Mozello shop connected to one PayTraq company."""

    id: str
    name: str
    settings: ChannelSettings = field(default_factory=ChannelSettings)
    active: bool = True
    # polling starts here: the shop's orders from before the channel existed are not imported
    created_at: datetime | None = field(default=None, compare=False)
