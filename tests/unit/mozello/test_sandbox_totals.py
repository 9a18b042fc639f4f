"""The sandbox storefront totals the §9 examples exactly as the spec states them."""

from decimal import Decimal as D

from adapters.mozello.sandbox.totals import PricedLine, discount_for, order_totals

VAT = D(21)


def test_simple_inclusive_order_9_1_totals_24_20_with_4_20_vat():
    # Given one towel at 24.20 incl. 21 % VAT
    totals = order_totals([PricedLine(D("24.20"), 1, VAT)])
    # Then
    assert (totals.subtotal, totals.taxes, totals.total) == (D("24.20"), D("4.20"), D("24.20"))


def test_variant_shipping_and_ten_percent_coupon_order_9_2_totals_82_38_with_14_30_vat():
    # Given 2 sweaters at 39.00, socks at 9.50, shipping 3.63 and WINTER10
    lines = [PricedLine(D(39), 2, VAT), PricedLine(D("9.50"), 1, VAT)]
    discount = discount_for(D("87.50"), D(10), None)
    # When totalled
    totals = order_totals(lines, D("3.63"), VAT, discount)
    # Then
    assert discount == D("8.75")
    assert totals.subtotal == D("87.50")
    assert totals.total == D("82.38")
    assert totals.taxes == D("14.30")


def test_three_lines_and_shipping_9_3_round_vat_on_the_order_to_3_82():
    lines = [PricedLine(D(4), 3, VAT), PricedLine(D(6), 1, VAT), PricedLine(D(1), 1, VAT)]
    totals = order_totals(lines, D(3), VAT)
    assert (totals.subtotal, totals.taxes, totals.total) == (D("19.00"), D("3.82"), D("22.00"))


def test_the_same_order_9_3_rounded_per_line_has_3_81_vat_one_cent_less():
    lines = [PricedLine(D(4), 3, VAT), PricedLine(D(6), 1, VAT), PricedLine(D(1), 1, VAT)]
    totals = order_totals(lines, D(3), VAT, rounding="per_line")
    assert (totals.taxes, totals.total) == (D("3.81"), D("22.00"))


def test_exclusive_prices_add_vat_on_top_as_in_the_official_example():
    # Given 2 x 50 net and shipping 10 net at 21 %
    totals = order_totals([PricedLine(D(50), 2, VAT)], D(10), VAT, tax_mode="exclusive")
    # Then VAT is added: 110 x 1.21
    assert (totals.subtotal, totals.taxes, totals.total) == (D("100.00"), D("23.10"), D("133.10"))


def test_mixed_rates_are_rounded_per_rate_bucket():
    lines = [PricedLine(D("10.00"), 1, VAT), PricedLine(D("11.20"), 1, D(12))]
    totals = order_totals(lines)
    # 10.00 x 21/121 = 1.7355 -> 1.74 ; 11.20 x 12/112 = 1.20
    assert totals.taxes == D("2.94")


def test_a_fixed_discount_amount_never_exceeds_the_subtotal():
    assert discount_for(D("5.00"), None, D("7.00")) == D("5.00")
    assert discount_for(D("5.00"), None, None) == D("0.00")
