"""Builders for orders, channels and a wired pipeline over in-memory fakes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

from adapters.memory.accounting import FakeAccounting
from adapters.memory.clock import SteppingClock
from adapters.memory.gateways import StaticGateways
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.bootstrap import bootstrap
from application.commands import ProcessOrder, ReceiveOrder
from application.ports import ChannelCredentials
from domain.orders import (
    Address,
    Customer,
    OrderDiscount,
    OrderLine,
    PaymentStatus,
    SalesOrder,
    Shipping,
)
from domain.paytraq_totals import TaxKey
from domain.settings import Channel, ChannelSettings, PaymentMapping

D = Decimal
PVN21 = TaxKey("1021", "PVN 21%", D("21"))
PVN12 = TaxKey("1012", "PVN 12%", D("12"))
PVN0 = TaxKey("1000", "PVN 0%", D("0"))
NO_VAT = TaxKey("1999", "nav PVN", None)
TAX_KEYS = [PVN21, PVN12, PVN0, NO_VAT]
TAX_MAP = ((D("21"), PVN21.id), (D("12"), PVN12.id), (D("0"), PVN0.id))
GATEWAY_ACCOUNT = "5001"


def line(sku: str, price: str, qty: str = "1", rate: str | None = "21", inclusive: bool = True,
         name: str | None = None, variant_handle: str | None = None) -> OrderLine:
    return OrderLine(
        sku=sku,
        name=name or f"Product {sku}, {sku}",
        quantity=D(qty),
        unit_price=D(price),
        vat_rate=None if rate is None else D(rate),
        price_includes_vat=inclusive,
        product_handle=f"uid-{sku}",
        variant_handle=variant_handle,
    )


def order(
    order_id: str = "M-1234567-101",
    lines: tuple[OrderLine, ...] | None = None,
    total: str | None = None,
    taxes: str | None = None,
    paid: bool = True,
    method: str = "gateway",
    shipping: Shipping | None = None,
    discount: OrderDiscount | None = None,
    customer: Customer | None = None,
    notes: str = "",
) -> SalesOrder:
    lines = lines or (line("TT-100", "24.20"),)
    subtotal = sum((ln.quantity * ln.unit_price for ln in lines), D(0))
    gross = subtotal - (discount.amount if discount else 0) + (shipping.price if shipping else 0)
    return SalesOrder(
        order_id=order_id,
        created_at=datetime(2026, 1, 15, 9, 12, 44, tzinfo=UTC),
        currency="EUR",
        customer=customer
        or Customer(
            name="Anna Bērziņa",
            email="anna@example.com",
            phone="+371 20000001",
            billing_address=Address("Brīvības iela 1-2", "Rīga", "LV-1010", "LV"),
        ),
        lines=lines,
        payment_method=method,
        payment_status=PaymentStatus.PAID if paid else PaymentStatus.PENDING,
        subtotal=subtotal,
        taxes=D(taxes) if taxes is not None else D("4.20"),
        total=D(total) if total is not None else gross,
        shipping=shipping,
        discount=discount,
        notes=notes,
    )


def settings(**overrides) -> ChannelSettings:
    base = ChannelSettings(
        auto_process=True,
        payment_mappings=(PaymentMapping("gateway", GATEWAY_ACCOUNT, merchant_account=True),),
        tax_keys=TAX_MAP,
        warehouse_id="1",
        rounding_tax_key=NO_VAT.id,
    )
    return replace(base, **overrides)


@dataclass
class Pipeline:
    """Sales Inbox wired over in-memory fakes, as the unit tests drive it."""

    store: MemoryStore
    accounting: FakeAccounting
    clock: SteppingClock
    channel_id: str = "shop-1"

    def bus(self):
        return bootstrap(InMemoryUnitOfWork(self.store), StaticGateways(self.accounting), self.clock)

    def receive(self, snapshot: SalesOrder, event: str = "PAYMENT_CHANGED", source: str = "webhook"):
        self.bus().handle(ReceiveOrder(self.channel_id, snapshot, event, source=source))

    def process(self, order_id: str, manual: bool = True):
        self.bus().handle(ProcessOrder(self.channel_id, order_id, manual=manual))

    def item(self, order_id: str = "M-1234567-101"):
        with InMemoryUnitOfWork(self.store) as uow:
            return uow.inbox.get(self.channel_id, order_id)

    def sales(self, ref: str = "M-1234567-101"):
        return [s for s in self.accounting.sales.values() if s.document.document_ref == ref]


def pipeline(channel_settings: ChannelSettings | None = None, skus: tuple[str, ...] = ("TT-100",)
             ) -> Pipeline:
    store = MemoryStore()
    accounting = FakeAccounting(TAX_KEYS, money_accounts=[GATEWAY_ACCOUNT, "5002"])
    for sku in skus:
        accounting.add_product(sku, f"Product {sku}", stock={"1": D("10")})
    uow = InMemoryUnitOfWork(store)
    with uow:
        uow.channels.add(
            Channel("shop-1", "Demo shop", channel_settings or settings()),
            ChannelCredentials("MZL-test", "pt-key", "pt-token"),
        )
        uow.commit()
    return Pipeline(store, accounting, SteppingClock(datetime(2026, 1, 15, 10, 0, tzinfo=UTC)))
