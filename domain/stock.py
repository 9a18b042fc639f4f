"""Stock the shop may sell: PayTraq stock in the channel's warehouse minus approved orders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from domain.money import ZERO


@dataclass(frozen=True, slots=True)
class StockLevel:
    sku: str
    on_hand: Decimal
    reserved: Decimal = ZERO

    @property
    def available(self) -> int:
        """Whole units, floored at 0: a fraction of a unit cannot be sold, nor negative stock."""
        free = self.on_hand - self.reserved
        if free <= 0:
            return 0
        return int(free.to_integral_value(rounding=ROUND_FLOOR))


def reserved_by_sku(lines: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Sum the quantities of approved sales-order lines per SKU."""
    reserved: dict[str, Decimal] = {}
    for sku, qty in lines:
        if sku:
            reserved[sku] = reserved.get(sku, ZERO) + qty
    return reserved


def stock_levels(
    on_hand: dict[str, Decimal], reserved: dict[str, Decimal]
) -> dict[str, StockLevel]:
    return {sku: StockLevel(sku, qty, reserved.get(sku, ZERO)) for sku, qty in on_hand.items()}
