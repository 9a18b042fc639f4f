"""Ports: what the application needs from the outside world, one module per outside world.
Adapters implement these ABCs; the in-memory fakes (adapters/memory) implement them too, for
the demo and the unit tests. Every public name is importable from `application.ports`."""

from application.ports.accounting import (
    AccountingPort,
    ClientRecord,
    NewClient,
    PaymentReceipt,
    PaymentRequest,
    PriceEntry,
    ProductStock,
    SaleLine,
    SaleLines,
    SalePayment,
    SaleRecord,
    SaleSummary,
)
from application.ports.audit import (
    AuditEntry,
    AuditLog,
    CallBodies,
    secret_name,
    without_secrets,
)
from application.ports.caches import (
    CatalogueMirror,
    ClientCache,
    MirroredProduct,
    SalesCache,
    SkuCache,
)
from application.ports.clock import Clock
from application.ports.connect import AutoSteps, ConnectPort, ConnectSale
from application.ports.gateways import Gateways
from application.ports.locks import ExpiringLock
from application.ports.mail import MailerPort, SentMail, SentMailLog
from application.ports.probe import AccountingProbe, ContentCharge, ContentLine, SaleContents
from application.ports.shop import (
    ShopOrder,
    ShopPort,
    ShopProduct,
    ShopVariant,
    SkuBatchAnswer,
    SkuUpdate,
    VariantUpdate,
)
from application.ports.stock_runs import (
    StockRunRepository,
    StockSyncResult,
    StockSyncRun,
    StockSyncStatus,
)
from application.ports.storage import (
    POLL_EVENT,
    ChannelCredentials,
    ChannelRepository,
    DeliveryRepository,
    InboxRepository,
    RawDelivery,
    UnitOfWork,
    WatermarkRepository,
    is_webhook,
)
from application.ports.users import ActionLog, LoginFailures, UserRepository
from application.ports.webhooks import DeliveryHeading, DeliveryReading, WebhookReader
from application.ports.write_dialects import (
    KEY_KINDS,
    ClientQueryProof,
    WriteDialect,
    WriteDialectStore,
)

__all__ = [
    "POLL_EVENT",
    "is_webhook",
    "AccountingPort", "AuditEntry", "AuditLog", "CallBodies", "CatalogueMirror",
    "ChannelCredentials", "ChannelRepository", "ClientCache", "ClientRecord", "Clock",
    "DeliveryRepository",
    "ExpiringLock", "Gateways", "InboxRepository", "MailerPort", "MirroredProduct", "NewClient",
    "PaymentReceipt", "PaymentRequest", "PriceEntry", "ProductStock", "RawDelivery", "SaleLine",
    "SaleLines", "SalePayment", "SaleRecord", "SaleSummary", "SalesCache", "SentMail",
    "SentMailLog", "ShopOrder", "ShopPort", "ShopProduct", "ShopVariant", "SkuCache",
    "SkuUpdate", "StockRunRepository", "StockSyncResult", "StockSyncRun", "StockSyncStatus",
    "UnitOfWork", "VariantUpdate", "WatermarkRepository", "secret_name", "without_secrets",
    "DeliveryHeading", "DeliveryReading", "WebhookReader", "AutoSteps", "ConnectPort",
    "ConnectSale",
    "AccountingProbe", "ContentCharge", "ContentLine", "SaleContents", "SkuBatchAnswer",
    "WriteDialect", "WriteDialectStore", "ClientQueryProof", "KEY_KINDS", "ActionLog", "LoginFailures", "UserRepository",
]
