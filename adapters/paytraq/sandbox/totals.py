"""The sandbox's own PayTraq arithmetic, written from paytraq-api.md §7.4 and DECISIONS.md R7.

Deliberately independent of domain.paytraq_totals (which Sales Inbox uses to *predict* PayTraq's
total): the sandbox and the in-memory fake compute a sale's amounts here, so a test in which
"PayTraq agrees with our prediction" compares two implementations, not one with itself. It works
in exact fractions of a euro and rounds to whole cents by hand; both are checked on their own
against the real-document corpus (tests/unit/test_real_paytraq_corpus.py and
tests/unit/test_sandbox_totals_corpus.py).

The rules, as the spec words them:
1. LineTotal = round2(Qty × Price × (1 − LineDiscount/100)).
2. Line totals, ShippingCharge/Amount and adjustment amounts are gross with IncludeTax, else net.
3. A `pct` adjustment is round2(sum of line totals × pct/100), an `amount` one is taken as is;
   discounts subtract, charges add; each joins the tax group of its own TaxKey.
4. VAT per tax key on the whole document: inclusive TaxAmount = round2(Gross × r/(100+r)),
   Net = Gross − Tax; exclusive TaxAmount = round2(Net × r/100), Gross = Net + Tax.
5. Totals/NetAmount is the sum of the Tax rows' nets only; keys without a rate have no Tax row.
6. Totals/GrossAmount = Header/Total = line totals + shipping ± adjustments (+ taxes if net).
R7. No Tax row for a key whose gross, net and tax are all zero.
Rounding is half-up (a tie goes away from zero).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class SaleLine:
    qty: Decimal
    price: Decimal
    discount_pct: Decimal
    tax_key_id: str


@dataclass(frozen=True, slots=True)
class SaleAmount:
    """ShippingCharge, or an Adjustment (`type` discount|charge, `basis` pct|amount)."""

    amount: Decimal
    tax_key_id: str
    type: str = "charge"
    basis: str = "amount"


@dataclass(frozen=True, slots=True)
class TaxLine:
    tax_key_id: str
    gross: Decimal
    net: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class SaleTotals:
    line_totals: tuple[Decimal, ...]
    taxes: tuple[TaxLine, ...]
    gross: Decimal
    net: Decimal

    @property
    def total(self) -> Decimal:
        return self.gross

    @property
    def tax(self) -> Decimal:
        return sum((row.tax for row in self.taxes), Decimal("0.00"))


def cents(value: Fraction) -> int:
    """Whole cents of an exact amount in euros, half-up (ties away from zero)."""
    hundredths = abs(value) * 100
    whole = int(hundredths + Fraction(1, 2))  # int() truncates: floor for a positive number
    return whole if value >= 0 else -whole


def euros(cent_count: int) -> Decimal:
    return Decimal(cent_count).scaleb(-2)


def sale_totals(
    include_tax: bool,
    lines: Iterable[SaleLine],
    shipping: SaleAmount | None,
    adjustments: Iterable[SaleAmount],
    rates: Mapping[str, Decimal | None],
) -> SaleTotals:
    """`rates`: each tax key's VAT rate in percent, None for a key without a VAT row."""
    lines = tuple(lines)
    line_cents = [
        cents(Fraction(ln.qty) * Fraction(ln.price) * (1 - Fraction(ln.discount_pct) / 100))
        for ln in lines
    ]
    group: dict[str, int] = {}  # tax key → its base in cents, in order of first appearance
    for ln, amount in zip(lines, line_cents, strict=True):
        group[ln.tax_key_id] = group.get(ln.tax_key_id, 0) + amount
    if shipping is not None:
        group[shipping.tax_key_id] = group.get(shipping.tax_key_id, 0) + cents(
            Fraction(shipping.amount))
    for adjustment in adjustments:
        if adjustment.basis == "pct":
            amount = cents(Fraction(sum(line_cents), 100) * Fraction(adjustment.amount) / 100)
        else:
            amount = cents(Fraction(adjustment.amount))
        signed = -amount if adjustment.type == "discount" else amount
        group[adjustment.tax_key_id] = group.get(adjustment.tax_key_id, 0) + signed

    taxes: list[TaxLine] = []
    gross_cents = 0
    for key_id, base in group.items():
        rate = rates.get(key_id)
        if rate is None:
            gross_cents += base
            continue
        rate = Fraction(rate)
        base_euros = Fraction(base, 100)
        if include_tax:
            tax = cents(base_euros * rate / (100 + rate))
            row_gross, row_net = base, base - tax
        else:
            tax = cents(base_euros * rate / 100)
            row_gross, row_net = base + tax, base
        gross_cents += row_gross
        if row_gross or row_net or tax:  # R7
            taxes.append(TaxLine(key_id, euros(row_gross), euros(row_net), euros(tax)))
    net_cents = sum(int(row.net.scaleb(2)) for row in taxes)
    return SaleTotals(
        tuple(euros(c) for c in line_cents), tuple(taxes), euros(gross_cents), euros(net_cents)
    )
