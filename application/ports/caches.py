"""What Sales Inbox remembers of the outside world between messages, so it asks less often:
PayTraq clients and ItemIDs, approved sales orders' lines, the Mozello catalogue."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from application.ports.accounting import SaleLines


class ClientCache(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str, match_key: str) -> str | None: ...

    @abc.abstractmethod
    def put(self, channel_id: str, match_key: str, client_id: str) -> None: ...


class SkuCache(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str, sku: str, not_before: datetime | None = None) -> str | None:
        """The cached ItemID, if cached at or after `not_before` (None: any age)."""

    @abc.abstractmethod
    def put(self, channel_id: str, sku: str, item_id: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def put_many(self, channel_id: str, item_ids: Iterable[tuple[str, str]],
                 at: datetime) -> None:
        """(SKU, ItemID) pairs as PayTraq listed them at `at` (the stock sync pages them all)."""

    @abc.abstractmethod
    def forget(self, channel_id: str, sku: str) -> None: ...


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
    def put(self, channel_id: str, product: MirroredProduct) -> None:
        """Insert or replace — never replacing a stored body with an older `modified_at`, even
        when two writers race (the comparison is part of the write)."""

    @abc.abstractmethod
    def remove(self, channel_id: str, handle: str) -> None: ...

    @abc.abstractmethod
    def list(self, channel_id: str) -> list[MirroredProduct]:
        """By handle."""
