"""What the Mozello sandbox holds: the catalogue, orders, webhook settings, and the rules for
changing the catalogue through the API (partial PUT, variant replacement, batch by SKU).

Products and orders are kept as the JSON objects Mozello shows (observed key order); the
internal id used by the pagination cursor is kept beside them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from adapters.mozello.fields import MOZELLO_TIME

EVENTS = ("ORDER_CREATED", "ORDER_DELETED", "PAYMENT_CHANGED", "DISPATCH_CHANGED",
          "PRODUCT_CHANGED", "PRODUCT_DELETED", "STOCK_CHANGED")
MULTILINGUAL = ("title", "description", "url")
PRODUCT_KEYS = ("handle", "created_at", "modified_at", "category", "category_handle", "title",
                "description", "url", "pictures", "price", "sale_price", "sku", "stock",
                "visible", "featured", "tax", "vendor", "model", "weight", "options", "variants")
VARIANT_KEYS = ("variant_no", "variant_handle", "option_value_handle1", "option_value_handle2",
                "option_value_handle3", "price", "sale_price", "sku", "stock", "picture_handle")
BATCH_LIMIT = 1000


class SandboxRefusal(Exception):
    """A request Mozello would answer with an error envelope."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class RateLimitPolicy:
    enabled: bool = True
    per_second: float = 5.0  # a token bucket: rate and burst
    burst: int = 5
    per_minute: int = 300  # more than this in 60 s -> blocked
    block_seconds: float = 60.0


@dataclass
class WebhookPolicy:
    delay: float = 0.0  # seconds an event waits before it is due (Mozello: about a minute)
    duplicates: int = 1  # deliver every event this many times
    drop: bool = False  # lose every event (to test the catch-up poll)
    max_attempts: int = 3  # per delivery, on non-2xx or a network error
    retry_backoff: float = 0.05  # first wait between attempts; doubles
    timeout: float = 5.0
    # for the chaos suite: lose this share of events, deliver each 1..max_copies times, and
    # send what is due in a shuffled order (all random, from `seed`)
    drop_rate: float = 0.0
    max_copies: int = 1
    shuffle: bool = False
    seed: int | None = None


@dataclass
class Fault:
    """An injected failure: answer `status` (or just wait `delay` seconds) `times` times."""

    status: int | None = None
    delay: float = 0.0
    times: int = 1
    method: str | None = None
    path_contains: str | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.times > 0 and (self.method is None or self.method == method)
                and (self.path_contains is None or self.path_contains in path))


@dataclass(frozen=True)
class CallRecord:
    method: str
    path: str
    query: str
    body: Any
    status: int


@dataclass
class Record:
    """One product or order: its JSON object plus what Mozello keeps out of sight."""

    id: int
    data: dict
    created_at: datetime
    modified_at: datetime
    extra: dict = field(default_factory=dict)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def mozello_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(MOZELLO_TIME)


@dataclass
class MozelloSandboxState:
    api_key: str = "MZL-1234567-00000000000000000000000000000000"
    alias: str = "sandbox-shop"
    shop_number: int = 1234567
    currency: str = "EUR"
    language: str = "en"
    vat_rate: Decimal = Decimal(21)
    tax_mode: str = "inclusive"
    taxes_rounding: str = "document"
    payment_methods: list[str] = field(
        default_factory=lambda: ["gateway", "paypal", "banktransfer", "cod"])
    shipping_methods: dict[str, Decimal] = field(default_factory=dict)
    discount_codes: dict[str, Decimal] = field(default_factory=dict)  # code -> percent
    wrap_responses: bool = True  # DECISIONS M1
    next_page_key: str = "next_page_uri"  # or "next_page_link", as the docs' prose calls it (U2)
    notify_api_changes: bool = False  # PRODUCT_CHANGED/STOCK_CHANGED for API writes (U13)
    rate_limit: RateLimitPolicy = field(default_factory=RateLimitPolicy)
    webhooks: WebhookPolicy = field(default_factory=WebhookPolicy)
    notifications_url: str | None = None
    notifications_wanted: list[str] = field(default_factory=list)
    clock: Callable[[], datetime] = utc_now
    products: dict[str, Record] = field(default_factory=dict)
    orders: dict[str, Record] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    events: list[tuple[str, dict]] = field(default_factory=list)  # queued for the outbox
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _next_id: int = 1000
    _next_order: int = 100

    def __repr__(self) -> str:
        return f"MozelloSandboxState(alias={self.alias!r}, products={len(self.products)})"

    def new_id(self) -> int:
        with self.lock:
            self._next_id += 1
            return self._next_id

    def new_order_id(self) -> str:
        with self.lock:
            self._next_order += 1
            return f"M-{self.shop_number}-{self._next_order}"

    def emit(self, event: str, resource: str, snapshot: dict) -> None:
        """Queue a notification with the resource as it is now."""
        with self.lock:
            self.events.append((event, {"event": event, resource: _copy(snapshot)}))

    def inject_fault(self, status: int | None = None, *, delay: float = 0.0, times: int = 1,
                     method: str | None = None, path_contains: str | None = None) -> None:
        with self.lock:
            self.faults.append(Fault(status, delay, times, method, path_contains))

    def write_calls(self) -> list[CallRecord]:
        return [call for call in self.calls if call.method in ("POST", "PUT", "DELETE")]

    # --- catalogue -------------------------------------------------------------------------

    def product(self, handle: str) -> Record:
        record = self.products.get(handle)
        if record is None:
            raise SandboxRefusal(404, f"Product {handle} not found")
        return record

    def create_product(self, fields: dict) -> dict:
        with self.lock:
            handle = str(fields.get("handle") or f"uid-{self.new_id()}")
            if handle in self.products:
                raise SandboxRefusal(400, f"Product handle {handle} already exists")
            now = self.clock()
            data = {key: None for key in PRODUCT_KEYS}
            data.update(handle=handle, created_at=mozello_time(now), modified_at=mozello_time(now),
                        category={"path": []}, pictures=[], sku="", visible=True,
                        featured=False, vendor="", model="", options=[], variants=[])
            self._apply(data, fields, "overwrite")
            self.products[handle] = Record(self.new_id(), data, now, now)
            return data

    def update_product(self, handle: str, fields: dict, text_update_mode: str = "overwrite") -> dict:
        if text_update_mode not in ("overwrite", "merge"):
            raise SandboxRefusal(400, f"Unknown text_update_mode {text_update_mode}")
        with self.lock:
            record = self.product(handle)
            stock_before = _stock_of(record.data)
            self._apply(record.data, fields, text_update_mode)
            self.touch(record)
            if self.notify_api_changes:
                self.emit("PRODUCT_CHANGED", "product", record.data)
                if _stock_of(record.data) != stock_before:
                    self.emit("STOCK_CHANGED", "product", record.data)
            return record.data

    def delete_product(self, handle: str) -> None:
        with self.lock:
            record = self.product(handle)
            del self.products[handle]
            for order in self.orders.values():
                for line in order.data.get("cart") or []:
                    if line.get("product_handle") == handle:
                        line["product_handle"] = None
            if self.notify_api_changes:
                gone = dict(record.data, title=None, description=None, url=None)
                self.emit("PRODUCT_DELETED", "product", gone)

    def batch_update_by_sku(self, items: list) -> list[str]:
        """Set price/sale_price/stock of the products and variants with these SKUs; returns
        the SKUs no product or variant has."""
        if not isinstance(items, list):
            raise SandboxRefusal(400, "products must be an array")
        if len(items) > BATCH_LIMIT:
            raise SandboxRefusal(400, f"At most {BATCH_LIMIT} products per batch request")
        unknown: list[str] = []
        with self.lock:
            for item in items:
                if not isinstance(item, dict) or not item.get("sku"):
                    raise SandboxRefusal(400, "Every item needs a sku")
                values = _sku_values(item)
                targets = list(self._by_sku(str(item["sku"])))
                if not targets:
                    unknown.append(str(item["sku"]))
                for record, target in targets:
                    stock_before = _stock_of(record.data)
                    target.update(values)
                    self.touch(record)
                    if self.notify_api_changes and _stock_of(record.data) != stock_before:
                        self.emit("STOCK_CHANGED", "product", record.data)
        return unknown

    def touch(self, record: Record) -> None:
        record.modified_at = self.clock()
        if "modified_at" in record.data:
            record.data["modified_at"] = mozello_time(record.modified_at)

    def _by_sku(self, sku: str) -> list[tuple[Record, dict]]:
        found = []
        for record in self.products.values():
            if record.data.get("sku") == sku:
                found.append((record, record.data))
            for variant in record.data.get("variants") or []:
                if variant.get("sku") == sku:
                    found.append((record, variant))
        return found

    def _apply(self, data: dict, fields: dict, text_update_mode: str) -> None:
        if not isinstance(fields, dict):
            raise SandboxRefusal(400, "product must be an object")
        for key, value in fields.items():
            if key in ("handle", "created_at", "modified_at", "pictures", "variant_pictures"):
                continue  # not writable through a product update (spec §2.2)
            if key in MULTILINGUAL:
                data[key] = _text(data.get(key), value, text_update_mode, self.language)
            elif key == "variants":
                data["variants"] = self._replace_variants(data.get("variants") or [], value)
            elif key == "category":
                data["category"] = value if isinstance(value, dict) else {"path": []}
            elif key == "stock":
                data["stock"] = _stock(value)
            elif key in PRODUCT_KEYS:
                data[key] = value

    def _replace_variants(self, current: list, sent: Any) -> list:
        """A variants array replaces the set: a known variant_handle keeps its identity (and
        takes exactly the fields sent), anything else is a new variant, omitted ones are gone."""
        if sent is None:
            return []
        if not isinstance(sent, list):
            raise SandboxRefusal(400, "variants must be an array")
        known = {variant.get("variant_handle") for variant in current}
        replaced = []
        for number, item in enumerate(sent, start=1):
            if not isinstance(item, dict):
                raise SandboxRefusal(400, "every variant must be an object")
            variant = {key: None for key in VARIANT_KEYS}
            variant.update({k: v for k, v in item.items() if k in VARIANT_KEYS})
            handle = item.get("variant_handle")
            if handle not in known:
                handle = handle or f"uid-{self.new_id()}"
            variant.update(variant_no=number, variant_handle=handle,
                           stock=_stock(item.get("stock")), sku=item.get("sku") or "")
            replaced.append(variant)
        return replaced


def _text(current: Any, value: Any, mode: str, language: str) -> Any:
    if value is None:
        return None
    sent = value if isinstance(value, dict) else {language: value}
    if mode == "merge" and isinstance(current, dict):
        return {**current, **sent}
    return dict(sent)


def _stock(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise SandboxRefusal(400, "stock must be an integer or null")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise SandboxRefusal(400, "stock must be an integer or null") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise SandboxRefusal(400, "stock must be an integer or null")
    return int(number)


def _sku_values(item: dict) -> dict:
    values = {}
    if "stock" in item:
        values["stock"] = _stock(item["stock"])
    for name in ("price", "sale_price", "special_price"):
        if name in item:
            value = item[name]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | Decimal)):
                raise SandboxRefusal(400, f"{name} must be a number")
            values["sale_price" if name == "special_price" else name] = value
    if not values:
        raise SandboxRefusal(400, "Every item needs price, sale_price or stock")
    return values


def _stock_of(data: dict) -> tuple:
    return (data.get("stock"), tuple(v.get("stock") for v in data.get("variants") or []))


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
