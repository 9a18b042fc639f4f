"""Domain objects with every field filled, the hard way: odd Decimals, offsets, enums, tuples."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.inbox import DocumentRecord, InboxItem, InboxStatus, PaymentRecord, Step
from domain.orders import (
    Address,
    Customer,
    OrderDiscount,
    OrderLine,
    PaymentStatus,
    SalesOrder,
    Shipping,
)
from domain.review import ReasonCode, ReviewReason
from domain.settings import (
    Channel,
    ChannelSettings,
    DocumentType,
    EmailVia,
    Operation,
    PaymentMapping,
    StockSyncSettings,
    Trigger,
    UnknownSkuPolicy,
)

RIGA = ZoneInfo("Europe/Riga")
PLUS_3 = timezone(timedelta(hours=3))
T0 = datetime(2024, 5, 14, 9, 30, 15, 123456, tzinfo=RIGA)


def full_order(order_id: str = "M-1001") -> SalesOrder:
    return SalesOrder(
        order_id=order_id,
        created_at=datetime(2024, 5, 14, 6, 0, tzinfo=UTC),
        currency="EUR",
        customer=Customer(
            name="Jānis Bērziņš",
            email="janis@example.lv",
            phone="+371 2000 0000",
            company="SIA \"Ābols\"",
            registration_number="40003000000",
            vat_number="LV40003000000",
            billing_address=Address("Brīvības iela 1", "Rīga", "LV-1010", "LV", "", ""),
        ),
        lines=(
            OrderLine("SKU-1", "Krēsls", Decimal("2"), Decimal("19.990"), Decimal("21")),
            OrderLine(
                "SKU-2",
                "Galds / \"ozols\"",
                Decimal("0.5"),
                Decimal("1E+2"),
                None,
                price_includes_vat=False,
                product_handle="galds",
                variant_handle="galds-ozols",
                variant=("Ozols", "Liels"),
            ),
        ),
        payment_method="bank_transfer",
        payment_status=PaymentStatus.PAID,
        subtotal=Decimal("89.98"),
        taxes=Decimal("-0.00"),
        total=Decimal("93.4700"),
        delivery_address=Address("Pakomāts", "Rīga", "LV-1050", "LV", "", "OMNIVA-123"),
        shipping=Shipping("Omniva", Decimal("3.49"), Decimal("21.0")),
        discount=OrderDiscount("SPRING", Decimal("0.01")),
        notes="Zvanīt pirms piegādes\n\\ ok",
        payment_method_details="IBAN LV00",
        dispatched=True,
        archived=False,
    )


def full_item(channel_id: str = "shop-a", order_id: str = "M-1001") -> InboxItem:
    return InboxItem(
        channel_id=channel_id,
        order_id=order_id,
        order=full_order(order_id),
        received_at=T0,
        status=InboxStatus.NEEDS_REVIEW,
        updated_at=T0 + timedelta(minutes=5),
        document=DocumentRecord("77", order_id, "sales_order", "approved", Decimal("93.47"), True),
        document_created_at=datetime(2024, 5, 14, 7, 31, tzinfo=PLUS_3),
        finalised_at=T0 + timedelta(minutes=2),
        payment=PaymentRecord(Decimal("93.47"), "MA-1", True, T0 + timedelta(minutes=3), "P-9"),
        emailed_at=T0 + timedelta(minutes=4),
        emailed_to="janis@example.lv",
        cancelled_at=None,
        reasons=[
            ReviewReason.of(ReasonCode.TOTALS_MISMATCH, "Kopsummas atšķiras", shop="93.47", paytraq="93.48"),
            ReviewReason(ReasonCode.UNKNOWN_SKU, "SKU-3 nav PayTraq"),
        ],
        error="PayTraq 500: \"oops\"",
        attempts=3,
        shop_total=Decimal("93.47"),
        paytraq_total=Decimal("93.480"),
        steps=[
            Step("document_created", T0, {"document_id": "77", "total": "93.47"}),
            Step("needs_review", T0 + timedelta(seconds=1)),
        ],
        version=0,
    )


def rich_settings() -> ChannelSettings:
    return ChannelSettings(
        auto_process=True,
        trigger=Trigger.RECEIVED,
        trigger_overrides=(("bank_transfer", Trigger.PAID), ("cash", Trigger.RECEIVED)),
        document_type=DocumentType.SALES_INVOICE,
        operation=Operation.SELL_SERVICES,
        approve=True,
        add_payment=True,
        send_email=True,
        payment_mappings=(
            PaymentMapping("bank_transfer", "MA-1"),
            PaymentMapping("stripe", "MA-2", merchant_account=True),
        ),
        tax_keys=((Decimal("21"), "TK-21"), (Decimal("0.0"), "TK-0"), (Decimal("12.5"), "TK-12")),
        rounding_tax_key="TK-R",
        warehouse_id="WH-1",
        unknown_sku=UnknownSkuPolicy.FREE_TEXT_LINE,
        rounding_limit=Decimal("0.05"),
        stock_sync=StockSyncSettings(
            sync_prices=True,
            price_group_id="PG-1",
            daily=True,
            daily_time=time(5, 45, 30),
            timezone="Europe/Tallinn",
            track_untracked=True,
            sync_sale_price=True,
        ),
        email_via=EmailVia.SMTP,
    )


def rich_channel(channel_id: str = "shop-a", name: str = "Veikals A") -> Channel:
    return Channel(channel_id, name, rich_settings(), active=False)
