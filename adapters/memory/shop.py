"""An in-memory Mozello shop: the same behaviour as MozelloClient + the Mozello sandbox, seen
through the ShopPort (the contract suite runs against both). Used by unit tests and the demo.

Call counting mirrors the real client: a variant update is a read plus a write, a notification
change is a write plus the read-back, a batch by SKU is one call per 1,000 items.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal

from application.errors import AuthenticationFailed, NotFound, PermanentError
from application.ports import (
    ShopOrder,
    ShopPort,
    ShopProduct,
    ShopVariant,
    SkuBatchAnswer,
    SkuUpdate,
    VariantUpdate,
)
from domain.money import round2
from domain.orders import SalesOrder

NOT_FOUND = "Mozello has no product or variant with this SKU"

EVENTS = ("ORDER_CREATED", "ORDER_DELETED", "PAYMENT_CHANGED", "DISPATCH_CHANGED",
          "PRODUCT_CHANGED", "PRODUCT_DELETED", "STOCK_CHANGED")
BATCH_LIMIT = 1000


class FakeShop(ShopPort):
    def __init__(self, products: Iterable[ShopProduct] = (), key_valid: bool = True):
        self.key_valid = key_valid
        self.calls_made = 0
        self.products: dict[str, ShopProduct] = {}
        self.orders: dict[str, tuple[ShopOrder, datetime]] = {}
        self.notifications_url: str | None = None
        self.notifications_wanted: list[str] = []
        self.sku_batches: list[list[SkuUpdate]] = []
        self._failures: list[Exception] = []
        self._lock = threading.RLock()
        for product in products:
            self.add_product(product)

    # --- arranging the shop (tests, demo) --------------------------------------------------

    def add_product(self, product: ShopProduct) -> None:
        with self._lock:
            self.products[product.handle] = dataclasses.replace(
                product, raw=copy.deepcopy(product.raw))

    def add_order(self, order: SalesOrder, modified_at: datetime | None = None,
                  raw: dict | None = None) -> ShopOrder:
        shop_order = ShopOrder(order=order, raw=raw if raw is not None else {
            "order_id": order.order_id, "payment_status": order.payment_status.value})
        with self._lock:
            self.orders[order.order_id] = (shop_order, modified_at or order.created_at)
        return shop_order

    def fail_next(self, error: Exception, times: int = 1) -> None:
        """The next `times` calls raise `error` (TransientError, AuthenticationFailed...)."""
        self._failures.extend([error] * times)

    # --- ShopPort --------------------------------------------------------------------------

    def validate_key(self) -> None:
        self._call()

    def set_notifications(self, url: str | None, events: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(events))
        unknown = [event for event in wanted if event not in EVENTS]
        if unknown:
            raise PermanentError(f"Mozello has no notification events {unknown}")
        self._call()
        self.notifications_url, self.notifications_wanted = url or None, wanted
        self.get_notifications()  # the read-back the real client does

    def get_notifications(self) -> tuple[str | None, list[str]]:
        self._call()
        return self.notifications_url, list(self.notifications_wanted)

    def get_order(self, order_id: str) -> ShopOrder:
        self._call()
        with self._lock:
            if order_id not in self.orders:
                raise NotFound(f"Mozello has no order {order_id}")
            return self.orders[order_id][0]

    def orders_created_since(self, since: datetime | None) -> Iterator[ShopOrder]:
        self._call()
        with self._lock:
            found = [(order, at) for order, at in self.orders.values()
                     if since is None
                     or _utc(order.order.created_at) >= _utc(since).replace(microsecond=0)]
        yield from (order for order, _ in found)

    def list_products(self) -> Iterator[ShopProduct]:
        self._call()
        with self._lock:
            yield from list(self.products.values())

    def get_product(self, handle: str) -> ShopProduct:
        self._call()
        with self._lock:
            if handle not in self.products:
                raise NotFound(f"Mozello has no product {handle}")
            return self.products[handle]

    def update_by_sku(self, updates: list[SkuUpdate]) -> SkuBatchAnswer:
        for update in updates:
            if not update.sku:
                raise PermanentError("a batch update by SKU needs a SKU")
        items = [u for u in updates
                 if u.stock is not None or u.price is not None or u.sale_price is not None]
        calls = math.ceil(len(items) / BATCH_LIMIT)
        for start in range(0, len(items), BATCH_LIMIT):
            self._call()
            self.sku_batches.append(items[start:start + BATCH_LIMIT])
        with self._lock:
            failed = tuple((u.sku, NOT_FOUND) for u in items if not self._apply_sku(u))
        return SkuBatchAnswer(calls, failed)

    def update_variants(self, handle: str, updates: list[VariantUpdate],
                        listed: ShopProduct | None = None) -> None:
        if not updates:
            return
        if listed is None:
            product = self.get_product(handle)
        else:  # the PUT alone: it fails as Mozello's would when the product is gone
            with self._lock:
                if handle not in self.products:
                    raise NotFound(f"Mozello has no product {handle}")
            product = listed
        known = {variant.handle for variant in product.variants}
        missing = [u.variant_handle for u in updates if u.variant_handle not in known]
        if missing:
            raise NotFound(f"Mozello product {handle} has no variants {missing}")
        changes = {u.variant_handle: u for u in updates}
        variants = tuple(_changed(v, changes.get(v.handle)) for v in product.variants)
        if variants == product.variants:
            return
        self._call()
        with self._lock:
            raw = copy.deepcopy(product.raw)
            for variant in raw.get("variants") or []:
                update = changes.get(variant.get("variant_handle"))
                if update is not None:
                    _set_raw(variant, update.stock, update.price, update.sale_price)
            self.products[handle] = dataclasses.replace(product, variants=variants, raw=raw)

    def update_product(self, handle: str, stock: int | None = None,
                       price: Decimal | None = None) -> None:
        if stock is None and price is None:
            return
        self._call()
        with self._lock:
            product = self.products.get(handle)
            if product is None:
                raise NotFound(f"Mozello has no product {handle}")
            self.products[handle] = _changed(product, SkuUpdate(handle, stock, price))

    # --- internals -------------------------------------------------------------------------

    def _call(self) -> None:
        self.calls_made += 1
        if self._failures:
            raise self._failures.pop(0)
        if not self.key_valid:
            raise AuthenticationFailed("Mozello rejected the Store API key (HTTP 401)")

    def _apply_sku(self, update: SkuUpdate) -> bool:
        """Apply it to every product and variant with the SKU; False when there is none."""
        found = False
        for handle, product in list(self.products.items()):
            if product.sku == update.sku:
                product, found = _changed(product, update), True
            if any(v.sku == update.sku for v in product.variants):
                found = True
                raw = copy.deepcopy(product.raw)
                for variant in raw.get("variants") or []:
                    if variant.get("sku") == update.sku:
                        _set_raw(variant, update.stock, update.price, update.sale_price)
                product = dataclasses.replace(product, raw=raw, variants=tuple(
                    _changed(v, update) if v.sku == update.sku else v for v in product.variants))
            self.products[handle] = product
        return found


def _changed(item, update):
    """A product or variant with the update's stock/price set (raw kept in step)."""
    if update is None:
        return item
    values = {}
    if update.stock is not None:
        values["stock"] = int(update.stock)
    if update.price is not None:
        values["price"] = round2(update.price)
    if getattr(update, "sale_price", None) is not None:
        values["sale_price"] = round2(update.sale_price)
    if not values:
        return item
    if isinstance(item, ShopProduct):
        raw = copy.deepcopy(item.raw)
        if raw:
            _set_raw(raw, update.stock, update.price, update.sale_price)
        values["raw"] = raw
    elif isinstance(item, ShopVariant) and all(
            getattr(item, name) == value for name, value in values.items()):
        return item
    return dataclasses.replace(item, **values)


def _set_raw(raw: dict, stock: int | None, price: Decimal | None,
             sale_price: Decimal | None = None) -> None:
    if stock is not None:
        raw["stock"] = int(stock)
    if price is not None:
        raw["price"] = round2(price)
    if sale_price is not None:
        raw["sale_price"] = round2(sale_price)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
