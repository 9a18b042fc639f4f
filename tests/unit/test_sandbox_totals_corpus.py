"""The sandbox's own PayTraq arithmetic (adapters/paytraq/sandbox/totals.py), checked on its own
against every real document of the corpus: the sandbox and Sales Inbox's prediction
(domain.paytraq_totals) are two implementations of §7.4, each held to real PayTraq documents."""

from decimal import Decimal
from fractions import Fraction

import pytest

from adapters.paytraq.sandbox.totals import SaleAmount, SaleLine, SaleTotals, cents, sale_totals
from tests.unit.test_real_paytraq_corpus import load_corpus

D = Decimal


def sandbox_totals_of(doc: dict) -> SaleTotals:
    rates: dict[str, Decimal | None] = {}

    def key(raw_key: str | None, rate: str | None) -> str:
        rates[raw_key or ""] = None if rate is None else D(rate)
        return raw_key or ""

    lines = [
        SaleLine(D(ln["qty"]), D(ln["price"]), D(ln["line_discount_pct"] or "0"),
                 key(ln["key"], ln["rate"]))
        for ln in doc["lines"]
    ]
    ship = doc["shipping"]
    shipping = SaleAmount(D(ship["amount"]), key(ship["key"], ship["rate"])) if ship else None
    adjustments = [
        SaleAmount(D(a["amount"]), key(a["key"], a["rate"]), a["type"], a["pct_or_amount"])
        for a in doc["adjustments"]
    ]
    return sale_totals(doc["include_tax"], lines, shipping, adjustments, rates)


def test_the_sandbox_reproduces_every_real_document_to_the_cent():
    failures = []
    for number, doc in enumerate(load_corpus(), start=1):
        sign = D(-1) if doc["sale_type"] == "credit_note" else D(1)
        got = sandbox_totals_of(doc)
        expected = (
            [D(ln["line_total"]) for ln in doc["lines"]],
            sorted((r["key"], D(r["gross"]), D(r["net"]), D(r["tax"])) for r in doc["taxes"]),
            D(doc["totals"]["gross"]),
            D(doc["totals"]["net"]),
            D(doc["total"]),
        )
        actual = (
            list(got.line_totals),
            sorted((r.tax_key_id, r.gross, r.net, r.tax) for r in got.taxes),
            sign * got.gross,
            got.net,
            sign * got.total,
        )
        if actual != expected:
            failures.append(f"document #{number}: {actual} != {expected}")
    assert not failures, f"{len(failures)} documents differ:\n" + "\n".join(failures[:20])


def test_the_corpus_exercises_every_rule_the_sandbox_implements():
    docs = load_corpus()
    assert any(not d["include_tax"] for d in docs), "no document with net prices"
    assert any(a["pct_or_amount"] == "pct" for d in docs for a in d["adjustments"])
    assert any(ln["rate"] is None for d in docs for ln in d["lines"]), "no key without a rate"
    assert any(D(ln["line_discount_pct"] or "0") for d in docs for ln in d["lines"])
    assert any(d["sale_type"] == "credit_note" for d in docs)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("0.005", 1), ("0.004999", 0), ("-0.005", -1), ("2.675", 268), ("-2.665", -267), ("0", 0)],
)
def test_half_cents_round_away_from_zero(amount, expected):
    assert cents(Fraction(D(amount))) == expected


def test_a_key_whose_amounts_are_all_zero_has_no_tax_row():
    # Given a free gift on its own 21 % key next to a paid line on 12 % (DECISIONS.md R7)
    lines = [SaleLine(D("1"), D("0.00"), D("0"), "K21"), SaleLine(D("1"), D("11.20"), D("0"), "K12")]
    # When the sandbox computes the sale
    got = sale_totals(True, lines, None, [], {"K21": D("21"), "K12": D("12")})
    # Then only the 12 % key has a Taxes row
    assert [(r.tax_key_id, r.gross, r.net, r.tax) for r in got.taxes] == [
        ("K12", D("11.20"), D("10.00"), D("1.20"))
    ]
    assert (got.gross, got.net) == (D("11.20"), D("10.00"))


def test_a_pct_discount_is_taken_from_the_sum_of_the_line_totals_and_joins_its_own_key():
    # Given 13.93 of goods at 21 % and a 3.49 % discount on the no-VAT key (spec §7.4 rule 3)
    lines = [SaleLine(D("1"), D("13.93"), D("0"), "K21")]
    discount = SaleAmount(D("3.49"), "NOVAT", "discount", "pct")
    got = sale_totals(True, lines, None, [discount], {"K21": D("21"), "NOVAT": None})
    # Then the discount is 0.49, outside the VAT row, and the total drops by it
    assert [(r.tax_key_id, r.gross) for r in got.taxes] == [("K21", D("13.93"))]
    assert got.total == D("13.44")
    assert got.net == D("11.51")


def test_net_prices_add_vat_per_key_on_top_not_per_line():
    # Given three net lines of 0.07 at 21 % and 1.00 of shipping on the same key
    lines = [SaleLine(D("1"), D("0.07"), D("0"), "K21") for _ in range(3)]
    got = sale_totals(False, lines, SaleAmount(D("1.00"), "K21"), [], {"K21": D("21")})
    # Then VAT is 21 % of the key's 1.21 net = 0.25 (per line it would be 0.01 × 3 + 0.21 = 0.24)
    assert [(r.gross, r.net, r.tax) for r in got.taxes] == [(D("1.46"), D("1.21"), D("0.25"))]
    assert (got.total, got.net, got.tax) == (D("1.46"), D("1.21"), D("0.25"))
