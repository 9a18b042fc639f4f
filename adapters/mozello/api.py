"""MozelloClient: the ShopPort over Mozello's Store API (paths and bodies per spec §2,
choices per DECISIONS M1-M7). HTTP mechanics (auth, limits, retries, errors) live in transport."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import quote

from marshmallow import ValidationError

from adapters.errors import InvalidShopData
from adapters.mozello.batch_answer import batch_failures
from adapters.mozello.fields import MOZELLO_TIME
from adapters.mozello.notifications import EVENTS
from adapters.mozello.schemas import describe_errors, load_order, load_product
from adapters.mozello.transport import MozelloTransport
from application.errors import NotFound, PermanentError
from application.ports import (
    ShopOrder,
    ShopPort,
    ShopProduct,
    SkuBatchAnswer,
    SkuUpdate,
    VariantUpdate,
)
from domain.money import round2

PAGE_SIZE = 100
BATCH_LIMIT = 1000  # items per batch_update_by_sku call (spec §1.5)


class MozelloClient(ShopPort):
    def __init__(self, api_key: str, base_url: str | None = None, **transport_options):
        self.transport = MozelloTransport(api_key, base_url, **transport_options)

    def __repr__(self) -> str:
        return f"MozelloClient(base_url={self.transport.base_url!r})"

    @property
    def calls_made(self) -> int:  # type: ignore[override]
        return self.transport.calls_made

    # --- key and notifications -------------------------------------------------------------

    def validate_key(self) -> None:
        self.transport.request("GET", "store/notifications/")

    def get_notifications(self) -> tuple[str | None, list[str]]:
        data = self.transport.request("GET", "store/notifications/")
        return data.get("notifications_url") or None, list(data.get("notifications_wanted") or [])

    def set_notifications(self, url: str | None, events: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(events))
        unknown = [event for event in wanted if event not in EVENTS]
        if unknown:
            raise PermanentError(f"Mozello has no notification events {unknown}")
        self.transport.request("PUT", "store/notifications/",
                               body={"notifications_url": url, "notifications_wanted": wanted})
        kept_url, kept_events = self.get_notifications()
        if kept_url != (url or None) or set(kept_events) != set(wanted):
            raise PermanentError(
                f"Mozello did not keep the notification settings: asked for {url!r} {wanted}, "
                f"reads back {kept_url!r} {kept_events}")

    # --- orders ----------------------------------------------------------------------------

    def get_order(self, order_id: str) -> ShopOrder:
        data = self.transport.request("GET", f"store/order/{_segment(order_id)}/")
        return _shop_order(_unwrap(data, "order"))

    def orders_created_since(self, since: datetime | None) -> Iterator[ShopOrder]:
        """DECISIONS R5: filter on `created_at` (as a public client does)."""
        params: dict[str, str | int] = {"page_size": PAGE_SIZE}
        if since is not None:
            params["filter"] = f"created_at>={_mozello_time(since)}"
        for raw in self._pages("store/orders/", params, "orders"):
            yield _shop_order(raw)

    # --- products --------------------------------------------------------------------------

    def list_products(self) -> Iterator[ShopProduct]:
        for raw in self._pages("store/products/", {"page_size": PAGE_SIZE}, "products"):
            yield _shop_product(raw)

    def get_product(self, handle: str) -> ShopProduct:
        data = self.transport.request("GET", f"store/product/{_segment(handle)}/")
        return _shop_product(_unwrap(data, "product"))

    def update_by_sku(self, updates: list[SkuUpdate]) -> SkuBatchAnswer:
        items = [_sku_item(update) for update in updates]
        items = [item for item in items if len(item) > 1]
        calls, failed = 0, []
        for start in range(0, len(items), BATCH_LIMIT):
            answer = self.transport.request("POST", "store/products/batch_update_by_sku/",
                                            body={"products": items[start:start + BATCH_LIMIT]},
                                            idempotent=True)
            failed += batch_failures(answer)
            calls += 1
        return SkuBatchAnswer(calls, tuple(failed))

    def update_variants(self, handle: str, updates: list[VariantUpdate],
                        listed: ShopProduct | None = None) -> None:
        if not updates:
            return
        product = listed if listed is not None and listed.raw.get("variants") else None
        current = list((product or self.get_product(handle)).raw.get("variants") or [])
        by_handle = {str(variant.get("variant_handle")): variant for variant in current}
        missing = [u.variant_handle for u in updates if u.variant_handle not in by_handle]
        if missing:
            raise NotFound(f"Mozello product {handle} has no variants {missing}")
        changes = {u.variant_handle: u for u in updates}
        complete = [_changed_variant(v, changes.get(str(v.get("variant_handle"))))
                    for v in current]
        if complete == current:
            return
        self.transport.request("PUT", f"store/product/{_segment(handle)}/",
                               body={"product": {"variants": complete}})

    def update_product(self, handle: str, stock: int | None = None,
                       price: Decimal | None = None) -> None:
        fields: dict = {}
        if stock is not None:
            fields["stock"] = int(stock)
        if price is not None:
            fields["price"] = round2(price)
        if fields:
            self.transport.request("PUT", f"store/product/{_segment(handle)}/",
                                   body={"product": fields})

    # --- internals -------------------------------------------------------------------------

    def _pages(self, path: str, params: dict, key: str) -> Iterator[dict]:
        """Every item of a list, following next_page_uri (or next_page_link) to the end. An empty
        page ends the list even if it links a next one (no call that can only be empty)."""
        link: str | None = path
        seen: set[str] = set()
        while link:
            data = self.transport.request("GET", link, params=params)
            items = data.get(key) or []
            yield from items
            link = data.get("next_page_uri") or data.get("next_page_link")
            if link and not items:
                self.transport.url(link)  # a link to another host is refused, followed or not
                return
            params = None  # the link carries the query of the next page
            if link in seen:
                raise PermanentError(f"Mozello pagination loops on {link}")
            if link:
                seen.add(link)


def _segment(value: str) -> str:
    if not value:
        raise NotFound("an empty Mozello id names nothing")
    return quote(str(value), safe="")


def _mozello_time(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(MOZELLO_TIME)


def _unwrap(data: dict, key: str) -> dict:
    """DECISIONS M1: `{"error": false, "order": {...}}`; the bare object is accepted too."""
    if isinstance(data.get(key), dict):
        return data[key]
    return {name: value for name, value in data.items() if name != "error"}


def _shop_order(raw: dict) -> ShopOrder:
    try:
        return ShopOrder(order=load_order(raw), raw=raw)
    except ValidationError as exc:
        raise InvalidShopData(
            f"Mozello order {raw.get('order_id')!r} is unreadable: {describe_errors(exc)}"
        ) from exc


def _shop_product(raw: dict) -> ShopProduct:
    try:
        return load_product(raw)
    except ValidationError as exc:
        raise InvalidShopData(
            f"Mozello product {raw.get('handle')!r} is unreadable: {describe_errors(exc)}"
        ) from exc


def _sku_item(update: SkuUpdate) -> dict:
    if not update.sku:
        raise PermanentError("a batch update by SKU needs a SKU")
    item: dict = {"sku": update.sku}
    if update.stock is not None:
        item["stock"] = int(update.stock)
    if update.price is not None:
        item["price"] = round2(update.price)
    if update.sale_price is not None:
        item["sale_price"] = round2(update.sale_price)  # DECISIONS/U10: sale_price, not special_price
    return item


def _changed_variant(variant: dict, update: VariantUpdate | None) -> dict:
    """The variant as Mozello has it (handles, option values, SKU kept), with the update applied."""
    changed = dict(variant)
    if update is not None and update.stock is not None:
        changed["stock"] = int(update.stock)
    if update is not None and update.price is not None:
        changed["price"] = round2(update.price)
    if update is not None and update.sale_price is not None:
        changed["sale_price"] = round2(update.sale_price)
    return changed
