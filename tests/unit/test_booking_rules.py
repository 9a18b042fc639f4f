"""Bookings that could go wrong without a test noticing: the rounding adjustment in both
directions, where rounding ends and "other" begins, tax groups of shipping and of lines without
VAT, a tax mapping pointing at a missing key, the discount split and PayTraq duplicates."""

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from domain.documents import build_document, split_proportionally
from domain.orders import OrderDiscount, Shipping
from domain.paytraq_totals import AdjustmentType
from domain.reconciliation import (
    Matched,
    MatchedWithAdjustment,
    Mismatch,
    MismatchCause,
    ReconciliationPolicy,
)
from domain.review import ReasonCode
from domain.stock_sync import Outcome, plan_stock_sync
from tests.unit.builders import NO_VAT, PVN0, TAX_KEYS, line, order, pipeline, settings

D = Decimal
KEYS = {k.id: k for k in TAX_KEYS}
ROUNDING_WORDS = "VAT rounding — the shop rounds VAT per line"
OTHER_WORDS = "the amounts differ beyond rounding"


def build(snapshot, keys=KEYS, **overrides):
    items = {ln.sku: f"item-{ln.sku}" for ln in snapshot.lines}
    return build_document(snapshot, settings(**overrides), "c1", items, keys,
                          snapshot.created_at.date())


def document_for(snapshot, **overrides):
    draft = build(snapshot, **overrides)
    assert draft.ok, draft.problems
    return draft.document


def reconcile(snapshot, limit="0.00", **overrides):
    return ReconciliationPolicy(D(limit), NO_VAT).reconcile(snapshot, document_for(snapshot, **overrides))


def r2(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def shop_rounding_per_line_below_paytraq():
    """Four net lines of 1.02 at 21 %: the shop's VAT per line is 4 × 0.21 = 0.84, PayTraq's on
    the whole key 4.08 × 21 % = 0.8568 → 0.86, so the shop charges 0.02 less."""
    lines = tuple(line(f"S{i}", "1.02", inclusive=False) for i in range(4))
    taxes = sum((r2(D("1.02") * 21 / 100) for _ in lines), D(0))
    return order(lines=lines, total=str(D("4.08") + taxes), taxes=str(taxes))


def priced(count: int, shipping: bool = False, off_by: str = "0.00"):
    """`count` lines of 24.20 with 21 % VAT included (and 2.42 shipping), the shop's total
    `off_by` from PayTraq's, the VAT equal."""
    lines = tuple(line(f"P{i}", "24.20") for i in range(count))
    ship = Shipping("omniva", D("2.42"), D("21")) if shipping else None
    gross = D("24.20") * count + (D("2.42") if shipping else 0)
    return order(lines=lines, shipping=ship, total=str(gross + D(off_by)),
                 taxes=str(r2(gross * 21 / 121)))


# --- the rounding adjustment -----------------------------------------------------------------


def test_a_shop_total_below_paytraqs_within_the_limit_gets_a_rounding_discount():
    # Given a shop that charges 0.02 less than PayTraq computes, and a limit of 0.02
    snapshot = shop_rounding_per_line_below_paytraq()
    assert snapshot.total == D("4.92")
    # When the order is reconciled
    result = reconcile(snapshot, limit="0.02")
    # Then a no-VAT discount of 0.02 closes the gap and PayTraq's total equals the shop's
    assert isinstance(result, MatchedWithAdjustment)
    adjustment = result.adjustment
    assert (adjustment.type, adjustment.amount, adjustment.tax_key) == (
        AdjustmentType.DISCOUNT, D("0.02"), NO_VAT)
    assert adjustment.description == "Rounding"
    assert result.paytraq_total == D("4.94")
    adjusted = document_for(snapshot).with_adjustment(adjustment)
    assert adjusted.totals().total == snapshot.total
    assert adjusted.totals().tax == D("0.86")


def test_a_shop_total_below_paytraqs_beyond_the_limit_stays_a_rounding_mismatch():
    result = reconcile(shop_rounding_per_line_below_paytraq(), limit="0.01")
    assert isinstance(result, Mismatch)
    assert result.cause is MismatchCause.ROUNDING
    assert result.difference == D("-0.02")


def test_no_adjustment_without_a_rounding_tax_key_even_within_the_limit():
    snapshot = shop_rounding_per_line_below_paytraq()
    result = ReconciliationPolicy(D("0.05"), None).reconcile(snapshot, document_for(snapshot))
    assert isinstance(result, Mismatch)
    assert result.cause is MismatchCause.ROUNDING


def test_an_existing_document_is_never_adjusted_it_matches_to_the_cent_or_not():
    # Given a document PayTraq already holds, 0.02 above the shop's total
    snapshot = shop_rounding_per_line_below_paytraq()
    policy = ReconciliationPolicy(D("0.05"), NO_VAT)
    # When it is reconciled with PayTraq's read-back total
    result = policy.reconcile(snapshot, document_for(snapshot), D("4.94"), D("0.86"))
    # Then it is a mismatch, not an adjustment
    assert isinstance(result, Mismatch)
    assert result.paytraq_total == D("4.94")
    # And a read-back total equal to the shop's matches whatever the prediction says
    same = policy.reconcile(snapshot, document_for(snapshot), D("4.92"), D("0.84"))
    assert isinstance(same, Matched)
    assert (same.paytraq_total, same.paytraq_taxes) == (D("4.92"), D("0.84"))


def test_a_rounding_difference_with_the_vat_off_by_more_than_a_cent_per_line_is_not_adjusted():
    # Given the totals differ by a cent but the shop's VAT is 0.05 off on one line
    snapshot = priced(1, off_by="0.01")
    snapshot = order(lines=snapshot.lines, total=str(snapshot.total), taxes="4.25")
    # When reconciled with a generous limit
    result = reconcile(snapshot, limit="0.05")
    # Then it stays a mismatch, so a person looks at the VAT
    assert isinstance(result, Mismatch)
    assert result.shop_taxes - result.paytraq_taxes == D("0.05")


def test_equal_totals_with_vat_off_beyond_rounding_is_a_mismatch():
    snapshot = order(total="24.20", taxes="4.22")
    result = reconcile(snapshot)
    assert isinstance(result, Mismatch)
    assert result.difference == D("0.00")
    assert result.reason().detail("paytraq_taxes") == "4.20"
    # and the explanation names both VAT figures and a cause other than the tax mapping
    assert "Mozello VAT 4.22, PayTraq VAT 4.20 (difference 0.02)" in result.explanation
    assert "does not cover what PayTraq taxes" in result.explanation
    assert "another rate" not in result.explanation


def test_vat_off_by_exactly_one_cent_per_line_still_matches():
    assert isinstance(reconcile(order(total="24.20", taxes="4.21")), Matched)


# --- rounding or other ------------------------------------------------------------------------


def test_a_shop_total_one_euro_lower_than_paytraqs_is_other_not_rounding():
    result = reconcile(order(total="23.20", taxes="4.20"), limit="5.00")
    assert isinstance(result, Mismatch)
    assert result.cause is MismatchCause.OTHER
    assert result.difference == D("-1.00")
    assert OTHER_WORDS in result.explanation and ROUNDING_WORDS not in result.explanation


def test_exactly_one_cent_per_priced_part_is_rounding_one_more_is_other():
    assert reconcile(priced(4, off_by="0.04")).cause is MismatchCause.ROUNDING
    assert reconcile(priced(4, off_by="-0.04")).cause is MismatchCause.ROUNDING
    assert reconcile(priced(4, off_by="0.05")).cause is MismatchCause.OTHER
    assert reconcile(priced(4, off_by="-0.05")).cause is MismatchCause.OTHER


def test_shipping_counts_as_a_priced_part():
    # Three lines and shipping: four priced parts, so four cents are still rounding
    assert reconcile(priced(3, shipping=True, off_by="0.04")).cause is MismatchCause.ROUNDING
    # Three lines without shipping: four cents are more than rounding
    assert reconcile(priced(3, off_by="0.04")).cause is MismatchCause.OTHER


def test_the_rounding_and_the_other_explanations_are_told_apart():
    rounding = reconcile(priced(2, off_by="0.01"))
    other = reconcile(priced(2, off_by="0.50"))
    assert rounding.cause is MismatchCause.ROUNDING and other.cause is MismatchCause.OTHER
    assert ROUNDING_WORDS in rounding.explanation and OTHER_WORDS not in rounding.explanation
    assert OTHER_WORDS in other.explanation and ROUNDING_WORDS not in other.explanation
    for result in (rounding, other):
        assert "stays Draft and no payment is added" in result.explanation
    assert rounding.explanation.startswith(
        "Mozello total 48.41 EUR (VAT 8.40) differs from the PayTraq document total 48.40 "
        "(VAT 8.40) by 0.01")


def test_a_mismatch_reason_carries_the_cause_and_both_totals():
    reason = reconcile(priced(1, off_by="0.50")).reason()
    assert reason.code is ReasonCode.TOTALS_MISMATCH
    assert dict(reason.details) == {
        "cause": "other", "shop_total": "24.70", "paytraq_total": "24.20",
        "difference": "0.50", "shop_taxes": "4.20", "paytraq_taxes": "4.20"}


# --- tax groups -------------------------------------------------------------------------------


def test_shipping_vat_mapped_to_a_key_of_another_rate_is_a_tax_group_mismatch_named_in_full():
    # Given books at 12 % mapped right, and 21 % shipping mapped to the 12 % key as well
    snapshot = order(
        lines=(line("BOOK", "11.20", rate="12"),),
        shipping=Shipping("omniva", D("3.63"), D("21")),
        total="14.83", taxes=str(D("1.20") + r2(D("3.63") * 21 / 121)),
    )
    result = reconcile(snapshot, tax_keys=((D("12"), "1012"), (D("21"), "1012")))
    # Then it is a tax-group mismatch and the explanation names the rate and the key
    assert isinstance(result, Mismatch)
    assert result.cause is MismatchCause.TAX_GROUP
    assert "mapped to a tax key of another rate (12%, 21% → PVN 12% (12%))" in result.explanation
    assert "Mozello VAT 1.83, PayTraq VAT 1.59" in result.explanation
    (row,) = result.breakdown
    assert (row.tax_key_id, row.shop_rates, row.tax_key_rate) == ("1012", (D("12"), D("21")), D("12"))


def test_a_line_without_a_vat_rate_mapped_to_a_zero_percent_key_is_not_a_tax_group_error():
    # Given a gift card without VAT next to a 21 % product, the channel mapping "no VAT" → 0 %
    lines = (line("TT-100", "24.20"), line("GIFT", "10.00", rate=None))
    snapshot = order(lines=lines, total="34.20", taxes="4.20")
    document = document_for(snapshot)
    assert [ln.tax_key for ln in document.lines][1] == PVN0
    # When the shop's total is a euro off, the cause is "other", not the tax group
    off = order(lines=lines, total="35.20", taxes="4.20")
    assert reconcile(off).cause is MismatchCause.OTHER
    # And with the right total everything matches
    assert isinstance(reconcile(snapshot), Matched)


def test_a_tax_mapping_pointing_at_a_key_paytraq_does_not_have_holds_the_order_with_the_key_id():
    # Given the channel maps 21 % to key 4242, which PayTraq does not have
    snapshot = order(lines=(line("A", "12.10"), line("B", "11.20", rate="12")))
    draft = build(snapshot, tax_keys=((D("21"), "4242"), (D("12"), "1012")))
    # Then no document is made (no line is silently left out) and the reason names the key
    assert draft.document is None and not draft.ok
    (problem,) = draft.problems
    assert problem.code is ReasonCode.UNMAPPED_TAX_RATE
    assert problem.detail("tax_key") == "4242" and problem.detail("rate") == "21"
    assert problem.message == "tax key 4242 mapped for VAT rate 21% on 'Product A, A' does not exist in PayTraq"


def test_a_shipping_tax_mapping_pointing_at_a_missing_key_holds_the_order_too():
    snapshot = order(shipping=Shipping("omniva", D("3.63"), D("12")), total="27.83")
    draft = build(snapshot, tax_keys=((D("21"), "1021"), (D("12"), "4343")))
    assert draft.document is None
    assert [(p.code, p.detail("tax_key")) for p in draft.problems] == [
        (ReasonCode.UNMAPPED_TAX_RATE, "4343")]
    assert "shipping" in draft.problems[0].message


def test_a_line_whose_rate_is_not_mapped_at_all_holds_the_order_and_names_line_and_rate():
    draft = build(order(lines=(line("A", "12.10"), line("B", "5.00", rate=None, name="Gift card"))),
                  tax_keys=((D("21"), "1021"),))
    assert draft.document is None
    (problem,) = draft.problems
    assert problem.code is ReasonCode.UNMAPPED_TAX_RATE
    assert problem.message == (
        "VAT rate no VAT rate on 'Gift card' has no PayTraq tax key in the channel's tax mapping")


# --- the order discount split -----------------------------------------------------------------


def test_largest_remainder_gives_the_left_over_cent_to_the_larger_share():
    assert split_proportionally(D("0.10"), {"a": D(2), "b": D(1)}) == {"a": D("0.07"), "b": D("0.03")}
    assert split_proportionally(D("0.10"), {"b": D(1), "a": D(2)}) == {"a": D("0.07"), "b": D("0.03")}


def test_split_shares_sum_to_the_amount_and_a_zero_share_is_left_out():
    assert split_proportionally(D("0.01"), {"a": D(1), "b": D(1), "c": D(3)}) == {"c": D("0.01")}
    assert split_proportionally(D("1.00"), {"a": D(1), "b": D(1), "c": D(1)}) == {
        "a": D("0.34"), "b": D("0.33"), "c": D("0.33")}
    assert split_proportionally(D("5.00"), {}) == {}
    assert split_proportionally(D("5.00"), {"a": D(0)}) == {}


def test_the_discount_is_weighted_by_all_lines_of_each_tax_key():
    # Given two 21 % lines of 20.00 and one 12 % line of 20.00, and a 0.10 discount
    lines = (line("A", "20.00"), line("B", "20.00"), line("C", "20.00", rate="12"))
    snapshot = order(lines=lines, discount=OrderDiscount("SALE", D("0.10")))
    # When the document is built
    document = document_for(snapshot)
    # Then the 21 % key carries 2/3 of it (0.07) and the 12 % key 1/3 (0.03)
    assert [(a.type, a.tax_key.id, a.amount, a.description) for a in document.adjustments] == [
        (AdjustmentType.DISCOUNT, "1021", D("0.07"), "Discount code SALE"),
        (AdjustmentType.DISCOUNT, "1012", D("0.03"), "Discount code SALE"),
    ]


def test_the_discount_weights_are_line_totals_after_quantity():
    lines = (line("A", "10.00", qty="3"), line("C", "15.00", rate="12"))
    document = document_for(order(lines=lines, discount=OrderDiscount("", D("9.00"))))
    assert [(a.tax_key.id, a.amount, a.description) for a in document.adjustments] == [
        ("1021", D("6.00"), "Discount"), ("1012", D("3.00"), "Discount")]


# --- stock sync -------------------------------------------------------------------------------


def test_a_code_twice_in_paytraq_and_absent_from_mozello_is_reported_as_a_duplicate():
    plan = plan_stock_sync([("DUP-1", D("5")), ("DUP-1", D("3")), ("ONE", D("2"))], {}, [])
    by_sku = {d.sku: d for d in plan.decisions}
    assert by_sku["DUP-1"].outcome is Outcome.DUPLICATE
    assert by_sku["DUP-1"].reason == "SKU DUP-1 is more than once in PayTraq: not written"
    assert by_sku["ONE"].outcome is Outcome.MISSING_IN_MOZELLO
    assert plan.writes == ()


def test_an_order_whose_tax_key_is_missing_in_paytraq_waits_for_review_and_no_sale_is_made():
    # Given a channel mapping 21 % to key 4242, unknown to PayTraq
    flow = pipeline(settings(approve=True, add_payment=True,
                             tax_keys=((D("21"), "4242"), (D("0"), "1000"))))
    # When a paid order arrives
    flow.receive(order())
    # Then it waits for a person with the key named, and PayTraq holds no sale for it
    item = flow.item()
    assert item.status.value == "needs_review"
    assert [(r.code, r.detail("tax_key")) for r in item.reasons] == [
        (ReasonCode.UNMAPPED_TAX_RATE, "4242")]
    assert flow.sales() == []


def test_the_left_over_cent_goes_to_the_largest_remainder_even_on_the_smaller_share():
    # 0.03 over 1:4 is 0.6 and 2.4 cents: the small share's remainder (0.6) is the larger
    assert split_proportionally(D("0.03"), {"a": D(1), "b": D(4)}) == {"a": D("0.01"), "b": D("0.02")}


# --- the reconciliation result's edges ----------------------------------------------------------


def test_each_result_says_whether_the_totals_match():
    assert reconcile(order(total="24.20", taxes="4.20")).matched is True
    assert reconcile(shop_rounding_per_line_below_paytraq(), limit="0.02").matched is True
    assert reconcile(order(total="25.20", taxes="4.20")).matched is False


def test_free_shipping_in_the_shop_is_no_shipping_charge_and_does_not_trouble_the_breakdown():
    # Given an order with free shipping (price 0) that is a euro off
    snapshot = order(shipping=Shipping("pickup", D("0.00"), D("21")), total="25.20")
    document = document_for(snapshot)
    assert document.shipping is None
    # When reconciled, it is an "other" mismatch with the 21 % key in the breakdown
    result = reconcile(snapshot)
    assert result.cause is MismatchCause.OTHER
    assert [(row.tax_key_id, row.shop_rates) for row in result.breakdown] == [("1021", (D("21"),))]


def test_a_document_missing_one_of_the_orders_lines_is_a_tax_group_mismatch():
    # Given a document that lost the 12 % line of the order (no tax key carried it)
    snapshot = order(lines=(line("A", "12.10"), line("B", "11.20", rate="12")), total="23.30",
                     taxes="3.30")
    document = document_for(snapshot)
    partial = replace(document, lines=document.lines[:1])
    # When reconciled
    result = ReconciliationPolicy(D("0.05"), NO_VAT).reconcile(snapshot, partial)
    # Then it is a tax-group mismatch, never closed by a rounding adjustment
    assert isinstance(result, Mismatch)
    assert result.cause is MismatchCause.TAX_GROUP
    assert "a VAT rate has no matching tax key" in result.explanation


def test_a_document_without_priced_parts_still_allows_one_cent_of_rounding():
    snapshot = order(total="0.01", taxes="0.00")
    empty = replace(document_for(order()), lines=())
    empty_order = replace(snapshot, lines=())
    assert ReconciliationPolicy().reconcile(empty_order, empty).cause is MismatchCause.ROUNDING
    off = replace(empty_order, total=D("0.02"))
    assert ReconciliationPolicy().reconcile(off, empty).cause is MismatchCause.OTHER


def test_a_code_twice_in_paytraq_and_once_in_mozello_is_a_duplicate_named_for_paytraq_only():
    from domain.stock_sync import CatalogueProduct

    plan = plan_stock_sync([("DUP-1", D("5")), ("DUP-1", D("3"))], {},
                           [CatalogueProduct("uid-1", "DUP-1", 4, D("9.99"))])
    (decision,) = plan.decisions
    assert (decision.outcome, decision.target) == (Outcome.DUPLICATE, "uid-1")
    assert decision.reason == "SKU DUP-1 is more than once in PayTraq: not written"


def test_a_sku_on_two_mozello_items_and_once_in_paytraq_is_a_duplicate_named_for_mozello_only():
    from domain.stock_sync import CatalogueProduct

    plan = plan_stock_sync([("DUP-2", D("5"))], {}, [
        CatalogueProduct("uid-1", "DUP-2", 4, D("9.99")),
        CatalogueProduct("uid-2", "DUP-2", 1, D("9.99")),
    ])
    (decision,) = plan.decisions
    assert (decision.outcome, decision.target) == (Outcome.DUPLICATE, "uid-1,uid-2")
    assert decision.reason == "SKU DUP-2 is on 2 Mozello items (uid-1, uid-2): not written"
    assert plan.writes == ()


def test_a_discount_with_a_half_cent_is_rounded_half_up_before_it_is_split():
    assert split_proportionally(D("0.105"), {"a": D(1)}) == {"a": D("0.11")}
    assert split_proportionally(D("0.125"), {"a": D(1)}) == {"a": D("0.13")}
