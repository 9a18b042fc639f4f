"""Storage ports beyond the core unit of work: the caches, logs and run history that the stock
sync and the API adapters keep. Adapters (adapters/storage, adapters/memory) implement them."""

from __future__ import annotations

import abc
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from application.errors import TransientError
from application.ports import SaleLines, UnitOfWork
from application.user_ports import ActionLog, LoginFailures, UserRepository


class ConcurrentUpdate(TransientError):
    """Someone else saved the same inbox item first; load it again and redo the step."""

    def __init__(self, channel_id: str, order_id: str):
        super().__init__(
            f"order {order_id!r} of channel {channel_id!r} was changed by someone else; retry"
        )
        self.channel_id, self.order_id = channel_id, order_id


class DuplicateInboxItem(ConcurrentUpdate):
    """A second item for an order already in the inbox (two deliveries raced); a retry finds it."""


class StorageBusy(TransientError):
    """A lock held by another worker was not released in time."""


# --- the PayTraq ItemID of a SKU ----------------------------------------------------------


class SkuCache(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str, sku: str, not_before: datetime | None = None) -> str | None:
        """The cached ItemID, if cached at or after `not_before` (None: any age)."""

    @abc.abstractmethod
    def put(self, channel_id: str, sku: str, item_id: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def forget(self, channel_id: str, sku: str) -> None: ...


# --- what we asked the outside APIs ------------------------------------------------------

_SECRET_NAME = re.compile(r"key|token|secret|pass|auth|signature", re.IGNORECASE)


def without_secrets(path: str) -> str:
    """The path with the values of secret-looking query parameters masked."""
    parts = urlsplit(path)
    if not parts.query:
        return path
    query = [
        (name, "***" if _SECRET_NAME.search(name) else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe="*")))


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One call to an outside API. Secret query parameters are masked on construction."""

    at: datetime
    channel_id: str | None
    api: str
    method: str
    path: str
    status: int | None
    duration_ms: int
    error: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", without_secrets(self.path))


class AuditLog(abc.ABC):
    @abc.abstractmethod
    def record(self, entry: AuditEntry) -> None: ...

    @abc.abstractmethod
    def recent(self, channel_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""


# --- stock sync runs ---------------------------------------------------------------------


class StockSyncStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class StockSyncResult:
    """What one stock sync decided (and, unless a dry run, did) for one SKU."""

    sku: str
    target: str  # the product handle, or the variant handle
    action: str  # e.g. "update", "unchanged", "skipped", "error"
    old_stock: int | None = None
    new_stock: int | None = None
    old_price: Decimal | None = None
    new_price: Decimal | None = None
    message: str = ""


@dataclass(frozen=True, slots=True)
class StockSyncRun:
    id: str
    channel_id: str
    started_at: datetime
    dry_run: bool
    status: StockSyncStatus = StockSyncStatus.RUNNING
    finished_at: datetime | None = None
    summary: dict[str, int] = field(default_factory=dict)  # counts by action
    error: str | None = None


class StockRunRepository(abc.ABC):
    @abc.abstractmethod
    def start(self, channel_id: str, started_at: datetime, dry_run: bool) -> StockSyncRun: ...

    @abc.abstractmethod
    def add_results(self, run_id: str, results: Iterable[StockSyncResult]) -> None: ...

    @abc.abstractmethod
    def finish(
        self,
        run_id: str,
        finished_at: datetime,
        status: StockSyncStatus,
        summary: dict[str, int],
        error: str | None = None,
    ) -> StockSyncRun: ...

    @abc.abstractmethod
    def get(self, run_id: str) -> StockSyncRun | None: ...

    @abc.abstractmethod
    def results(self, run_id: str) -> list[StockSyncResult]:
        """In the order they were added."""

    @abc.abstractmethod
    def list(self, channel_id: str, limit: int = 20) -> list[StockSyncRun]:
        """Newest first."""

    def latest(self, channel_id: str) -> StockSyncRun | None:
        runs = self.list(channel_id, limit=1)
        return runs[0] if runs else None


# --- approved sales orders' lines, cached between stock syncs ------------------------------


class SalesCache(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str, document_id: str) -> SaleLines | None: ...

    @abc.abstractmethod
    def put(self, channel_id: str, sale: SaleLines) -> None: ...

    @abc.abstractmethod
    def all(self, channel_id: str) -> dict[str, SaleLines]: ...

    @abc.abstractmethod
    def retain(self, channel_id: str, document_ids: Iterable[str]) -> None:
        """Forget every cached document of the channel not in `document_ids`."""


class StorageUnitOfWork(UnitOfWork):
    """The unit of work with the extra repositories."""

    sku_cache: SkuCache
    audit: AuditLog
    stock_runs: StockRunRepository
    sales_cache: SalesCache
    catalogue: CatalogueMirror
    users: UserRepository
    login_failures: LoginFailures
    actions: ActionLog


# --- the Mozello catalogue as the product webhooks describe it ----------------------------


@dataclass(frozen=True, slots=True)
class MirroredProduct:
    """One Mozello product as its latest PRODUCT_CHANGED / STOCK_CHANGED body showed it."""

    handle: str
    sku: str
    stock: int | None
    modified_at: str  # Mozello's "YYYY-MM-DD HH:MM:SS", "" when unknown
    data: dict  # the product JSON (amounts as strings)


class CatalogueMirror(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str, handle: str) -> MirroredProduct | None: ...

    @abc.abstractmethod
    def put(self, channel_id: str, product: MirroredProduct) -> None: ...

    @abc.abstractmethod
    def remove(self, channel_id: str, handle: str) -> None: ...

    @abc.abstractmethod
    def list(self, channel_id: str) -> list[MirroredProduct]:
        """By handle."""
