"""Mozello's Store API, as the order flow and the stock sync need it."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.orders import SalesOrder


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
class SkuBatchAnswer:
    """What Mozello said about a batch update by SKU: calls made, and the SKUs it did not take
    (with its reason). Mozello documents no per-item answer; an answer without one is taken
    as "all done"."""

    calls: int
    failed: tuple[tuple[str, str], ...] = ()

    def failure_of(self, sku: str) -> str | None:
        return dict(self.failed).get(sku)


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
    def orders_created_since(self, since: datetime | None) -> Iterator[ShopOrder]:
        """Orders created at or after `since` (R5: orders carry `created_at`, not
        `modified_at`); a later payment change is caught by reading the order again."""

    @abc.abstractmethod
    def list_products(self) -> Iterator[ShopProduct]: ...

    @abc.abstractmethod
    def get_product(self, handle: str) -> ShopProduct: ...

    @abc.abstractmethod
    def update_by_sku(self, updates: list[SkuUpdate]) -> SkuBatchAnswer:
        """Batch stock/price writes for products without variants; the answer read per SKU."""

    @abc.abstractmethod
    def update_variants(self, handle: str, updates: list[VariantUpdate],
                        listed: ShopProduct | None = None) -> None:
        """Change some variants' stock/price, sending the complete variant set (no variant lost):
        `listed`'s, the product as just listed; without it the product is read first."""

    @abc.abstractmethod
    def update_product(
        self, handle: str, stock: int | None = None, price: Decimal | None = None
    ) -> None: ...
