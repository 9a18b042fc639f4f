"""Details of the domain's PayTraq arithmetic that the corpus does not reach."""

from decimal import Decimal

from domain.paytraq_totals import Charge, PricedLine, TaxKey, compute_totals, line_total, vat_of

D = Decimal
K21 = TaxKey("K21", "PVN 21%", D("21"))
K12 = TaxKey("K12", "PVN 12%", D("12"))


def tax_of(totals, key_id: str) -> Decimal | None:
    return next((row.tax for row in totals.taxes if row.tax_key.id == key_id), None)


def test_a_charge_is_by_default_an_amount_added_to_the_document():
    totals = compute_totals(True, [PricedLine(D("1"), D("10.00"), D("0"), K21)], None,
                            [Charge(D("1.21"), K21)])
    assert totals.total == D("11.21")
    assert tax_of(totals, "K21") == D("1.95")


def test_each_tax_key_gets_its_own_row_and_an_unused_key_none():
    totals = compute_totals(True, [PricedLine(D("1"), D("12.10"), D("0"), K21),
                                   PricedLine(D("1"), D("11.20"), D("0"), K12)])
    assert tax_of(totals, "K12") == D("1.20")
    assert tax_of(totals, "K21") == D("2.10")
    assert tax_of(totals, "K0") is None


def test_a_line_discount_is_a_percentage_of_the_line():
    assert line_total(D("3"), D("10.00"), D("15")) == D("25.50")
    assert line_total(D("1"), D("0.05")) == D("0.05")


def test_vat_in_and_on_an_amount_rounds_half_up():
    assert vat_of(D("1.21"), D("21"), True) == D("0.21")
    assert vat_of(D("0.50"), D("21"), False) == D("0.11")  # 0.105 → 0.11


def test_shipping_and_adjustment_amounts_count_to_the_cent_half_up():
    # Given a shipping charge and a charge written with three decimals
    line = PricedLine(D("1"), D("10.00"), D("0"), K21)
    totals = compute_totals(True, [line], Charge(D("1.005"), K21), [Charge(D("0.125"), K21)])
    # Then each counts as PayTraq stores it, to the cent: 10.00 + 1.01 + 0.13
    assert totals.total == D("11.14")
