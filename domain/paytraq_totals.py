"""How PayTraq computes a sale document's amounts (paytraq-api.md §7.4).

Verified against 1,502 real PayTraq documents (tests/unit/test_real_paytraq_corpus.py):
1. LineTotal = round2(Qty × Price × (1 − LineDiscount/100)).
2. Line totals, shipping and adjustments are gross when IncludeTax, else net.
3. A `pct` adjustment is round2(sum of line totals × pct/100); an `amount` one is taken as is;
   discounts subtract, charges add; each joins the group of its own tax key.
4. VAT per tax key on the whole document, half-up: inclusive TaxAmount = round2(Gross × r/(100+r)),
   exclusive TaxAmount = round2(Net × r/100).
5. NetAmount is the sum of the tax rows' nets only; keys without a rate add to the gross only.
   A key whose gross, net and tax are all zero gets no tax row (DECISIONS R7).
6. GrossAmount = Header/Total = all amounts (+ taxes when prices exclude VAT).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.money import ZERO, round2

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class TaxKey:
    """A PayTraq VAT group. `rate` is None for keys that carry no VAT row (no VAT, intra-EU)."""

    id: str
    name: str = ""
    rate: Decimal | None = None


class AdjustmentType(StrEnum):
    DISCOUNT = "discount"
    CHARGE = "charge"


class AdjustmentBasis(StrEnum):
    PCT = "pct"
    AMOUNT = "amount"


@dataclass(frozen=True, slots=True)
class PricedLine:
    qty: Decimal
    price: Decimal
    discount_pct: Decimal
    tax_key: TaxKey

    @property
    def total(self) -> Decimal:
        return line_total(self.qty, self.price, self.discount_pct)


@dataclass(frozen=True, slots=True)
class Charge:
    """Shipping (`ShippingCharge`) or an `Adjustment` as PayTraq sees it."""

    amount: Decimal
    tax_key: TaxKey
    type: AdjustmentType = AdjustmentType.CHARGE
    basis: AdjustmentBasis = AdjustmentBasis.AMOUNT


@dataclass(frozen=True, slots=True)
class TaxRow:
    tax_key: TaxKey
    gross: Decimal
    net: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class DocumentTotals:
    line_totals: tuple[Decimal, ...]
    taxes: tuple[TaxRow, ...]
    gross: Decimal
    net: Decimal

    @property
    def total(self) -> Decimal:
        return self.gross

    @property
    def tax(self) -> Decimal:
        return sum((row.tax for row in self.taxes), ZERO)



def line_total(qty: Decimal, price: Decimal, discount_pct: Decimal = ZERO) -> Decimal:
    return round2(qty * price * (1 - discount_pct / HUNDRED))


def vat_of(amount: Decimal, rate: Decimal, include_tax: bool) -> Decimal:
    """The VAT in (inclusive) or on (exclusive) an amount, rounded half-up."""
    if include_tax:
        return round2(amount * rate / (HUNDRED + rate))
    return round2(amount * rate / HUNDRED)


def compute_totals(
    include_tax: bool,
    lines: Iterable[PricedLine],
    shipping: Charge | None = None,
    adjustments: Iterable[Charge] = (),
) -> DocumentTotals:
    lines = tuple(lines)
    totals = tuple(line.total for line in lines)
    lines_sum = sum(totals, ZERO)

    bases: dict[str, Decimal] = {}
    keys: dict[str, TaxKey] = {}

    def add(key: TaxKey, amount: Decimal) -> None:
        keys.setdefault(key.id, key)
        bases[key.id] = bases.get(key.id, ZERO) + amount

    for line, total in zip(lines, totals, strict=True):
        add(line.tax_key, total)
    if shipping is not None:
        add(shipping.tax_key, round2(shipping.amount))
    for adjustment in adjustments:
        amount = (
            round2(lines_sum * adjustment.amount / HUNDRED)
            if adjustment.basis is AdjustmentBasis.PCT
            else round2(adjustment.amount)
        )
        add(adjustment.tax_key, -amount if adjustment.type is AdjustmentType.DISCOUNT else amount)

    rows: list[TaxRow] = []
    gross = ZERO
    for key_id, base in bases.items():
        key = keys[key_id]
        if key.rate is None:
            gross += base
            continue
        tax = vat_of(base, key.rate, include_tax)
        row_gross, row_net = (base, base - tax) if include_tax else (base + tax, base)
        if row_gross == row_net == tax == ZERO:
            continue  # R7: PayTraq writes no Taxes row for an all-zero key
        rows.append(TaxRow(key, row_gross, row_net, tax))
        gross += row_gross
    net = sum((row.net for row in rows), ZERO)
    return DocumentTotals(totals, tuple(rows), gross, net)
