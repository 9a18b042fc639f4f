"""The stock sync's decision: what Mozello should show for each SKU, and the writes that make it so.

PayTraq's warehouse stock minus its approved orders (domain/stock.py), and optionally a price
group's prices, are compared with the Mozello catalogue. Only what differs is written; a SKU that
is missing on one side or appears twice on either side is reported and never written. The daily
schedule's rule (`daily_sync_due`) lives here too. Standard library only.

Over 250 lines on purpose: the plan (levels, prices, variants, missing and duplicate SKUs) is
one decision whose parts share the same matching of SKUs; split, each part would re-match them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from domain.money import round2
from domain.settings import StockSyncSettings
from domain.stock import stock_levels

Amount = TypeVar("Amount", int, Decimal)

# --- the Mozello catalogue, as plain data -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogueVariant:
    handle: str
    sku: str
    stock: int | None  # None: Mozello does not track this variant's stock
    price: Decimal | None
    sale_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CatalogueProduct:
    handle: str
    sku: str
    stock: int | None
    price: Decimal | None
    sale_price: Decimal | None = None
    variants: tuple[CatalogueVariant, ...] = ()


# --- the plan -------------------------------------------------------------------------------


class Outcome(StrEnum):
    UPDATE = "update"  # differs from Mozello: to be written
    UNCHANGED = "unchanged"
    MISSING_IN_MOZELLO = "missing_in_mozello"
    MISSING_IN_PAYTRAQ = "missing_in_paytraq"
    DUPLICATE = "duplicate"
    UNTRACKED = "untracked"  # Mozello does not track its stock, and the channel leaves it so
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class SkuDecision:
    """What the plan decided for one SKU; `new_*` is None where nothing changes or is known."""

    sku: str
    outcome: Outcome
    target: str = ""  # the product handle, or the variant handle
    product_handle: str = ""  # the product the target belongs to
    old_stock: int | None = None
    new_stock: int | None = None
    old_price: Decimal | None = None
    new_price: Decimal | None = None
    old_sale_price: Decimal | None = None
    new_sale_price: Decimal | None = None
    reason: str = ""

    @property
    def is_variant(self) -> bool:
        return bool(self.product_handle) and self.product_handle != self.target


@dataclass(frozen=True, slots=True)
class StockSyncPlan:
    decisions: tuple[SkuDecision, ...]

    @property
    def product_writes(self) -> tuple[SkuDecision, ...]:
        """Products without variants whose stock or price changes (written by SKU)."""
        return tuple(d for d in self.decisions if d.outcome is Outcome.UPDATE and not d.is_variant)

    @property
    def variant_writes(self) -> dict[str, tuple[SkuDecision, ...]]:
        """Changed variants, grouped by their product's handle (one write per product)."""
        grouped: dict[str, list[SkuDecision]] = {}
        for decision in self.decisions:
            if decision.outcome is Outcome.UPDATE and decision.is_variant:
                grouped.setdefault(decision.product_handle, []).append(decision)
        return {handle: tuple(writes) for handle, writes in grouped.items()}

    @property
    def writes(self) -> tuple[SkuDecision, ...]:
        return tuple(d for d in self.decisions if d.outcome is Outcome.UPDATE)

    def summary(self) -> dict[str, int]:
        return dict(Counter(d.outcome.value for d in self.decisions))


@dataclass(frozen=True, slots=True)
class _Place:
    """One place a SKU occupies in the Mozello catalogue."""

    sku: str
    handle: str
    product_handle: str
    stock: int | None
    price: Decimal | None
    sale_price: Decimal | None
    has_variants: bool = False


@dataclass(frozen=True, slots=True)
class _Wanted:
    """What PayTraq says Mozello should show for one SKU."""

    stock: int
    price: Decimal | None


def plan_stock_sync(
    on_hand: Iterable[tuple[str, Decimal]],
    reserved: Mapping[str, Decimal],
    catalogue: Iterable[CatalogueProduct],
    prices: Iterable[tuple[str, Decimal]] | None = None,
    settings: StockSyncSettings | None = None,
) -> StockSyncPlan:
    """`on_hand`: PayTraq's warehouse rows (code, quantity), a code twice is a duplicate;
    `reserved`: quantities in approved orders per code; `prices`: the price group's (code, price)
    rows, or None when prices are not synced; `settings`: untracked stock and sale prices."""
    settings = settings or StockSyncSettings()
    on_hand, price_rows = list(on_hand), list(prices or ())
    paytraq_twice = _repeated(code for code, _ in on_hand) | _repeated(c for c, _ in price_rows)
    wanted = _wanted(dict(on_hand), reserved, dict(price_rows) if prices is not None else None)
    places = _places(catalogue)
    decisions = []
    for sku, found in places.items():
        if len(found) > 1 or sku in paytraq_twice:
            decisions.append(_duplicate(sku, found, sku in paytraq_twice))
        elif sku not in wanted:
            decisions.append(_missing_in_paytraq(found[0]))
        else:
            decisions.append(_decide(found[0], wanted[sku], settings))
    for sku in sorted(set(wanted) - set(places)):
        if sku in paytraq_twice:
            decisions.append(_duplicate(sku, [], True))
        else:
            decisions.append(_missing_in_mozello(sku, wanted[sku]))
    return StockSyncPlan(tuple(decisions))


def _repeated(codes: Iterable[str]) -> set[str]:
    return {code for code, count in Counter(c for c in codes if c).items() if count > 1}


def _wanted(
    on_hand: dict[str, Decimal], reserved: Mapping[str, Decimal], prices: dict[str, Decimal] | None
) -> dict[str, _Wanted]:
    levels = stock_levels({code: qty for code, qty in on_hand.items() if code}, dict(reserved))
    return {
        code: _Wanted(level.available, _cents(prices.get(code)) if prices is not None else None)
        for code, level in levels.items()
    }


def _cents(price: Decimal | None) -> Decimal | None:
    """Mozello keeps prices to the cent: compare and write what it will hold."""
    return None if price is None else round2(price)


def _places(catalogue: Iterable[CatalogueProduct]) -> dict[str, list[_Place]]:
    places: dict[str, list[_Place]] = {}
    for product in catalogue:
        if product.sku:
            places.setdefault(product.sku, []).append(_Place(
                product.sku, product.handle, product.handle, product.stock, product.price,
                product.sale_price, has_variants=bool(product.variants)))
        for variant in product.variants:
            if variant.sku:
                places.setdefault(variant.sku, []).append(_Place(
                    variant.sku, variant.handle, product.handle, variant.stock, variant.price,
                    variant.sale_price))
    return places


def _duplicate(sku: str, found: list[_Place], in_paytraq: bool) -> SkuDecision:
    where = []
    if len(found) > 1:
        where.append(f"on {len(found)} Mozello items ({', '.join(p.handle for p in found)})")
    if in_paytraq:
        where.append("more than once in PayTraq")
    return SkuDecision(sku, Outcome.DUPLICATE, target=",".join(p.handle for p in found),
                       reason=f"SKU {sku} is {' and '.join(where)}: not written")


def _missing_in_paytraq(place: _Place) -> SkuDecision:
    return SkuDecision(place.sku, Outcome.MISSING_IN_PAYTRAQ, place.handle, place.product_handle,
                       old_stock=place.stock, old_price=place.price,
                       reason=f"no product with code {place.sku} in PayTraq")


def _missing_in_mozello(sku: str, wanted: _Wanted) -> SkuDecision:
    return SkuDecision(sku, Outcome.MISSING_IN_MOZELLO, new_stock=wanted.stock,
                       new_price=wanted.price, reason=f"no product or variant with SKU {sku} in Mozello")


def _decide(place: _Place, wanted: _Wanted, settings: StockSyncSettings) -> SkuDecision:
    if place.has_variants:
        return SkuDecision(place.sku, Outcome.SKIPPED, place.handle, place.product_handle,
                           old_stock=place.stock, old_price=place.price,
                           reason="the product has variants: its variants carry stock and price")
    leave_untracked = place.stock is None and not settings.track_untracked
    stock = None if leave_untracked else _changed(place.stock, wanted.stock)
    price = _changed(place.price, wanted.price)
    sale_price = _changed(place.sale_price, wanted.price if settings.sync_sale_price else None)
    notes = ["stock not tracked in Mozello: left untracked"] if leave_untracked else []
    if stock is None and price is None and sale_price is None:
        outcome = Outcome.UNTRACKED if leave_untracked else Outcome.UNCHANGED
        return _decision(place, outcome, place.stock, place.price, place.sale_price, notes)
    notes = [*_changes(place, stock, price, sale_price), *notes]
    return _decision(place, Outcome.UPDATE, stock, price, sale_price, notes)


def _changed(current: Amount | None, wanted: Amount | None) -> Amount | None:
    """The value to write: `wanted`, unless it is unknown or already there."""
    return None if wanted is None or wanted == current else wanted


def _changes(place: _Place, stock: int | None, price: Decimal | None,
             sale_price: Decimal | None) -> list[str]:
    changes = [(name, old, new) for name, old, new in (
        ("stock", place.stock, stock), ("price", place.price, price),
        ("sale price", place.sale_price, sale_price)) if new is not None]
    return [f"{name} {'untracked' if old is None else old} -> {new}" for name, old, new in changes]


def _decision(place: _Place, outcome: Outcome, stock: int | None, price: Decimal | None,
              sale_price: Decimal | None, notes: list[str]) -> SkuDecision:
    return SkuDecision(place.sku, outcome, place.handle, place.product_handle,
                       old_stock=place.stock, new_stock=stock, old_price=place.price,
                       new_price=price, old_sale_price=place.sale_price,
                       new_sale_price=sale_price, reason="; ".join(notes))


# --- the daily schedule -----------------------------------------------------------------------


def daily_sync_due(settings: StockSyncSettings, last_run_started: datetime | None,
                   now: datetime) -> bool:
    """Is the channel's daily sync due? It fires once per local day, as soon as the local wall
    clock reaches `daily_time` (a missed time fires at the next wake-up the same day). Wall-clock
    comparison handles DST: a time the clocks skip fires at the jump; one they repeat fires once.
    `last_run_started` is the channel's latest run, manual or scheduled."""
    if not settings.daily:
        return False
    if now.tzinfo is None or (last_run_started is not None and last_run_started.tzinfo is None):
        raise ValueError("daily_sync_due needs timezone-aware datetimes")
    zone = ZoneInfo(settings.timezone)
    due_at = datetime.combine(now.astimezone(zone).date(), settings.daily_time)
    if _wall_clock(now, zone) < due_at:
        return False
    return last_run_started is None or _wall_clock(last_run_started, zone) < due_at


def _wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None, fold=0)
