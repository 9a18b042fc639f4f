"""What a database would hold, in memory; shared by every unit of work made from it."""

from __future__ import annotations

import threading
from datetime import datetime

from application.ports import (
    AuditEntry,
    ChannelCredentials,
    ClientQueryProof,
    MirroredProduct,
    RawDelivery,
    SaleLines,
    StockSyncResult,
    StockSyncRun,
    WriteDialect,
)
from domain.inbox import InboxItem
from domain.paytraq_totals import TaxKey
from domain.settings import Channel
from domain.users import FailedLogins, PersonAction, User

Key = tuple[str, str]


class MemoryStore:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.items: dict[Key, InboxItem] = {}
        self.channels: dict[str, Channel] = {}
        self.credentials: dict[str, ChannelCredentials] = {}
        self.deliveries: list[RawDelivery] = []
        self.clients: dict[Key, str] = {}
        self.watermarks: dict[Key, datetime] = {}
        self.skus: dict[Key, tuple[str, datetime]] = {}
        self.audit: list[AuditEntry] = []
        self.runs: dict[str, StockSyncRun] = {}
        self.results: dict[str, list[StockSyncResult]] = {}
        self.sales: dict[Key, SaleLines] = {}
        self.catalogue: dict[Key, MirroredProduct] = {}
        self.write_dialects: dict[str, WriteDialect] = {}
        self.users: dict[str, User] = {}
        self.login_failures: dict[str, FailedLogins] = {}
        self.person_actions: list[PersonAction] = []
        self.writes_kept: dict[str, datetime | None] = {}
        self.tax_keys: dict[str, tuple[list[TaxKey], datetime]] = {}
        self.client_queries: dict[str, ClientQueryProof] = {}
        self.sales_query: dict[str, datetime | None] = {}
