"""The rounding-aware reconciliation policy: PayTraq's total predicted to the cent, and a
mismatch explained (rounding, tax group, other)."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from domain.documents import build_document
from domain.orders import OrderDiscount, Shipping
from domain.reconciliation import (
    Matched,
    MatchedWithAdjustment,
    Mismatch,
    MismatchCause,
    ReconciliationPolicy,
)
from tests.unit.builders import NO_VAT, TAX_KEYS, line, order, settings

D = Decimal
KEYS = {k.id: k for k in TAX_KEYS}


def r2(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def document_for(snapshot, **overrides):
    draft = build_document(
        snapshot,
        settings(**overrides),
        "client-1",
        {ln.sku: f"item-{ln.sku}" for ln in snapshot.lines},
        KEYS,
        snapshot.created_at.date(),
    )
    assert draft.ok, draft.problems
    return draft.document


def reconcile(snapshot, limit="0.00", **overrides):
    policy = ReconciliationPolicy(D(limit), NO_VAT)
    return policy.reconcile(snapshot, document_for(snapshot, **overrides))


def shop_per_line_exclusive(nets: list[str], rate: str = "21") -> tuple[Decimal, Decimal]:
    """A shop that adds VAT on top and rounds it per line."""
    taxes = sum((r2(D(n) * D(rate) / 100) for n in nets), D(0))
    return sum((D(n) for n in nets), D(0)) + taxes, taxes


def test_single_line_at_21_percent_matches():
    result = reconcile(order(total="24.20", taxes="4.20"))
    assert isinstance(result, Matched)
    assert result.paytraq_total == D("24.20")


def test_mixed_21_12_and_0_percent_lines_match_with_vat_per_tax_key():
    lines = (line("A", "12.10", rate="21"), line("B", "11.20", rate="12"), line("C", "5.00", rate="0"))
    # VAT per key on the document: 12.10*21/121 = 2.10; 11.20*12/112 = 1.20; 0
    result = reconcile(order(lines=lines, total="28.30", taxes="3.30"))
    assert isinstance(result, Matched)


def test_order_discount_over_mixed_rates_is_split_proportionally_and_matches():
    lines = (line("A", "60.00", rate="21"), line("B", "40.00", rate="12"))
    snapshot = order(lines=lines, discount=OrderDiscount("WINTER10", D("10.00")), total="90.00",
                     taxes=str(r2(D("54") * 21 / 121) + r2(D("36") * 12 / 112)))
    document = document_for(snapshot)
    assert [(a.tax_key.id, a.amount) for a in document.adjustments] == [("1021", D("6.00")), ("1012", D("4.00"))]
    assert isinstance(reconcile(snapshot), Matched)


def test_shipping_with_vat_joins_its_tax_key():
    snapshot = order(
        lines=(line("SW", "39.00", qty="2"), line("WS", "9.50")),
        shipping=Shipping("omniva-latvija", D("3.63"), D("21")),
        discount=OrderDiscount("WINTER10", D("8.75")),
        total="82.38",
        taxes="14.30",
    )
    result = reconcile(snapshot)
    assert isinstance(result, Matched)
    assert document_for(snapshot).totals().tax == D("14.30")


def test_per_line_rounding_shop_differs_by_one_cent_and_is_called_rounding():
    nets = ["1.00", "1.14", "2.12"]
    total, taxes = shop_per_line_exclusive(nets)
    lines = tuple(line(f"S{i}", n, inclusive=False) for i, n in enumerate(nets))
    result = reconcile(order(lines=lines, total=str(total), taxes=str(taxes)))
    assert isinstance(result, Mismatch)
    assert result.difference == D("0.01")
    assert result.cause is MismatchCause.ROUNDING
    # the rounding explanation, not the "beyond rounding" one of other differences
    assert "VAT rounding — the shop rounds VAT per line" in result.explanation
    assert "beyond rounding" not in result.explanation


def test_per_line_rounding_shop_differs_by_two_cents_and_is_called_rounding():
    nets = ["1.03", "1.12", "1.18", "1.36"]
    total, taxes = shop_per_line_exclusive(nets)
    lines = tuple(line(f"S{i}", n, inclusive=False) for i, n in enumerate(nets))
    result = reconcile(order(lines=lines, total=str(total), taxes=str(taxes)))
    assert isinstance(result, Mismatch)
    assert result.difference == D("0.02")
    assert result.cause is MismatchCause.ROUNDING


def test_rounding_within_the_limit_is_closed_by_a_no_vat_adjustment():
    nets = ["1.03", "1.12", "1.18", "1.36"]
    total, taxes = shop_per_line_exclusive(nets)
    lines = tuple(line(f"S{i}", n, inclusive=False) for i, n in enumerate(nets))
    snapshot = order(lines=lines, total=str(total), taxes=str(taxes))
    result = reconcile(snapshot, limit="0.02")
    assert isinstance(result, MatchedWithAdjustment)
    assert result.adjustment.amount == D("0.02")
    assert result.adjustment.tax_key == NO_VAT
    adjusted = document_for(snapshot).with_adjustment(result.adjustment)
    assert adjusted.totals().total == total


def test_rounding_beyond_the_limit_stays_a_mismatch():
    nets = ["1.03", "1.12", "1.18", "1.36"]
    total, taxes = shop_per_line_exclusive(nets)
    lines = tuple(line(f"S{i}", n, inclusive=False) for i, n in enumerate(nets))
    result = reconcile(order(lines=lines, total=str(total), taxes=str(taxes)), limit="0.01")
    assert isinstance(result, Mismatch)


def test_wrong_tax_group_is_named_with_the_rate_and_the_key():
    # Given a 12 % product whose rate the channel maps to the 21 % key, prices without VAT
    lines = (line("BOOK", "10.00", rate="12", inclusive=False),)
    snapshot = order(lines=lines, total="11.20", taxes="1.20")
    result = reconcile(snapshot, tax_keys=((D("12"), "1021"), (D("21"), "1021")))
    assert isinstance(result, Mismatch)
    assert result.cause is MismatchCause.TAX_GROUP
    assert result.paytraq_total == D("12.10")
    assert "12%" in result.explanation and "PVN 21%" in result.explanation


def test_wrong_tax_group_with_vat_inclusive_prices_is_caught_by_the_vat_amount():
    lines = (line("BOOK", "11.20", rate="12"),)
    snapshot = order(lines=lines, total="11.20", taxes="1.20")
    result = reconcile(snapshot, tax_keys=((D("12"), "1021"),))
    assert isinstance(result, Mismatch)
    assert result.cause is MismatchCause.TAX_GROUP
    assert result.paytraq_taxes == D("1.94")


def test_three_decimal_unit_prices_round_the_line_total_half_up():
    lines = (line("GLV", "3.298", qty="3"),)  # 9.894 -> 9.89
    snapshot = order(lines=lines, total="9.89", taxes=str(r2(D("9.89") * 21 / 121)))
    assert isinstance(reconcile(snapshot), Matched)
    shop_unrounded = order(lines=lines, total="9.90", taxes="1.72")
    assert isinstance(reconcile(shop_unrounded), Mismatch)


def test_fractional_and_whole_quantities():
    lines = (line("CHEESE", "7.99", qty="0.5"), line("NB", "4.00", qty="3"))  # 3.995 -> 4.00; 12.00
    snapshot = order(lines=lines, total="16.00", taxes=str(r2(D("16.00") * 21 / 121)))
    assert isinstance(reconcile(snapshot), Matched)


def test_vat_exclusive_prices_add_vat_per_key_on_top():
    lines = (line("A", "10.00", inclusive=False), line("B", "5.55", inclusive=False))
    snapshot = order(lines=lines, total="18.82", taxes="3.27")  # 15.55 * 0.21 = 3.2655 -> 3.27
    result = reconcile(snapshot)
    assert isinstance(result, Matched)
    assert document_for(snapshot).include_tax is False


def test_other_differences_are_not_called_rounding():
    result = reconcile(order(total="25.20", taxes="4.20"))
    assert isinstance(result, Mismatch)
    assert result.cause is MismatchCause.OTHER
    assert result.reason().detail("difference") == "1.00"


# --- property: the policy's prediction equals an independent implementation of PayTraq's rule


def independent_paytraq_total(items, include_tax, shipping):
    """Exact rational arithmetic, cents as integers, half-up by hand: shares no code with the domain."""

    def half_up_cents(value: Fraction) -> int:
        cents = value * 100
        floor = cents.numerator // cents.denominator
        return floor + (1 if cents - floor >= Fraction(1, 2) else 0)

    groups: dict[int, int] = {}
    for qty, price_mills, rate in items:
        line_cents = half_up_cents(Fraction(qty) * Fraction(price_mills, 1000))
        groups[rate] = groups.get(rate, 0) + line_cents
    if shipping:
        groups[21] = groups.get(21, 0) + shipping
    total = 0
    for rate, base in groups.items():
        if include_tax:
            total += base
        else:
            total += base + half_up_cents(Fraction(base * rate, 100 * 100))
    return Decimal(total) / 100


@hsettings(deadline=None)
@given(
    items=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=20),
            st.integers(min_value=1, max_value=200000),
            st.sampled_from([21, 12, 0]),
        ),
        min_size=1,
        max_size=8,
    ),
    include_tax=st.booleans(),
    shipping=st.integers(min_value=0, max_value=1500),
)
def test_prediction_equals_an_independent_paytraq_rule(items, include_tax, shipping):
    lines = tuple(
        line(f"SKU{i}", str(Decimal(mills) / 1000), qty=str(qty), rate=str(rate), inclusive=include_tax)
        for i, (qty, mills, rate) in enumerate(items)
    )
    ship = Shipping("courier", Decimal(shipping) / 100, D("21"), include_tax) if shipping else None
    snapshot = order(lines=lines, shipping=ship, total="0", taxes="0")
    document = document_for(snapshot)
    assert document.totals().total == independent_paytraq_total(items, include_tax, shipping)


def test_equal_totals_with_different_vat_name_both_vat_figures_and_the_likely_cause():
    # Given an order whose total PayTraq reproduces, but whose VAT the shop reports as 2.00
    snapshot = order(lines=(line("A", "12.10", rate="21"),), total="12.10", taxes="1.00")
    # When it is reconciled
    result = reconcile(snapshot)
    # Then the mismatch names both VAT figures and a cause, not "by 0.00: VAT rounding"
    assert isinstance(result, Mismatch)
    text = result.explanation
    assert "Mozello VAT 1.00" in text and "PayTraq VAT 2.10" in text
    assert "Likely cause" in text and "by 0.00" not in text


def test_a_tax_key_whose_amounts_are_all_zero_has_no_tax_row():
    # Given a document with a free 21 % line and a paid 12 % line (R7: as seen on real documents)
    snapshot = order(lines=(line("GIFT", "0.00", rate="21"), line("B", "11.20", rate="12")),
                     total="11.20", taxes="1.20")
    # When PayTraq's totals are computed
    totals = document_for(snapshot).totals()
    # Then only the 12 % key has a Taxes row, and the order still matches
    assert [row.tax_key.id for row in totals.taxes] == ["1012"]
    assert isinstance(reconcile(snapshot), Matched)
