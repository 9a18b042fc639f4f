"""How the sandbox's storefront totals an order (spec §4.6 and §9, an assumption there too).

Inclusive prices: total = subtotal - discount + shipping; `taxes` is the VAT contained in that,
per rate on the order (`document`) or as the sum of per-line rounded VAT (`per_line`).
Exclusive prices: VAT is added on top; total = subtotal - discount + shipping + taxes.
The discount is shared out over the lines in proportion to their gross value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.money import ZERO, round2

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class PricedLine:
    unit_price: Decimal
    quantity: int
    vat_rate: Decimal

    @property
    def value(self) -> Decimal:
        return round2(self.unit_price * self.quantity)


@dataclass(frozen=True, slots=True)
class OrderTotals:
    subtotal: Decimal
    discount_amount: Decimal
    shipping_price: Decimal
    taxes: Decimal
    total: Decimal


def discount_for(subtotal: Decimal, percent: Decimal | None, amount: Decimal | None) -> Decimal:
    if amount is not None:
        return min(round2(amount), subtotal)
    if percent:
        return round2(subtotal * Decimal(percent) / HUNDRED)
    return ZERO


def order_totals(
    lines: Sequence[PricedLine],
    shipping_price: Decimal = ZERO,
    shipping_rate: Decimal = ZERO,
    discount: Decimal = ZERO,
    tax_mode: str = "inclusive",
    rounding: str = "document",
) -> OrderTotals:
    if tax_mode not in ("inclusive", "exclusive"):
        raise ValueError(f"tax mode {tax_mode!r} is neither inclusive nor exclusive")
    if rounding not in ("document", "per_line"):
        raise ValueError(f"taxes rounding {rounding!r} is neither document nor per_line")
    subtotal = round2(sum((line.value for line in lines), ZERO))
    shipping_price = round2(shipping_price)
    shares = _discount_shares([line.value for line in lines], round2(discount))
    bases = [(line.value - share, line.vat_rate) for line, share in zip(lines, shares, strict=True)]
    if shipping_price:
        bases.append((shipping_price, shipping_rate))
    taxes = _taxes(bases, tax_mode, rounding)
    total = subtotal - round2(discount) + shipping_price
    if tax_mode == "exclusive":
        total += taxes
    return OrderTotals(subtotal, round2(discount), shipping_price, taxes, round2(total))


def _discount_shares(values: list[Decimal], discount: Decimal) -> list[Decimal]:
    """The discount split by value; the last line takes the rounding remainder."""
    total = sum(values, ZERO)
    if not discount or not total:
        return [ZERO for _ in values]
    shares = [round2(discount * value / total) for value in values[:-1]]
    return shares + [discount - sum(shares, ZERO)]


def _tax_on(base: Decimal, rate: Decimal, tax_mode: str) -> Decimal:
    if tax_mode == "inclusive":
        return base * rate / (HUNDRED + rate)
    return base * rate / HUNDRED


def _taxes(bases: list[tuple[Decimal, Decimal]], tax_mode: str, rounding: str) -> Decimal:
    if rounding == "per_line":
        return sum((round2(_tax_on(base, rate, tax_mode)) for base, rate in bases), ZERO)
    by_rate: dict[Decimal, Decimal] = {}
    for base, rate in bases:
        by_rate[rate] = by_rate.get(rate, ZERO) + base
    return sum((round2(_tax_on(base, rate, tax_mode)) for rate, base in by_rate.items()), ZERO)
