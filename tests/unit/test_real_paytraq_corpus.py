"""PayTraq's arithmetic, reproduced to the cent on every real document of the corpus.

The corpus path comes from PAYTRAQ_SALES_CORPUS when set, so other corpora of the same format
(see tests/fixtures/paytraq/real-sales.README.md) can be checked with the same test.
"""

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from domain.paytraq_totals import (
    AdjustmentBasis,
    AdjustmentType,
    Charge,
    PricedLine,
    TaxKey,
    compute_totals,
)

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "paytraq" / "real-sales.jsonl"


def corpus_path() -> Path:
    return Path(os.environ.get("PAYTRAQ_SALES_CORPUS", DEFAULT_CORPUS))


def load_corpus() -> list[dict]:
    path = corpus_path()
    if not path.exists():
        pytest.fail(f"PayTraq sales corpus not found at {path}; set PAYTRAQ_SALES_CORPUS")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def key(raw_key: str | None, rate: str | None) -> TaxKey:
    """A line with no tax key at all behaves like a key without a VAT row."""
    return TaxKey(raw_key or "", raw_key or "", None if rate is None else Decimal(rate))


def percent(raw: str) -> Decimal:
    """PayTraq leaves LineDiscount empty on a few lines: no discount."""
    return Decimal(raw) if raw else Decimal(0)


def totals_of(doc: dict):
    lines = [
        PricedLine(
            Decimal(line["qty"]),
            Decimal(line["price"]),
            percent(line["line_discount_pct"]),
            key(line["key"], line["rate"]),
        )
        for line in doc["lines"]
    ]
    shipping = None
    if doc["shipping"] is not None:
        ship = doc["shipping"]
        shipping = Charge(Decimal(ship["amount"]), key(ship["key"], ship["rate"]))
    adjustments = [
        Charge(
            Decimal(adj["amount"]),
            key(adj["key"], adj["rate"]),
            AdjustmentType(adj["type"]),
            AdjustmentBasis(adj["pct_or_amount"]),
        )
        for adj in doc["adjustments"]
    ]
    return compute_totals(doc["include_tax"], lines, shipping, adjustments)


def test_corpus_is_the_documented_size_when_default():
    docs = load_corpus()
    if "PAYTRAQ_SALES_CORPUS" not in os.environ:
        assert len(docs) == 1502


def test_every_real_document_is_reproduced_to_the_cent():
    failures = []
    for number, doc in enumerate(load_corpus(), start=1):
        # Credit notes: lines, tax rows and net stay positive; gross and total are negative.
        sign = Decimal(-1) if doc["sale_type"] == "credit_note" else Decimal(1)
        got = totals_of(doc)
        expected_rows = {
            (row["key"], Decimal(row["gross"]), Decimal(row["net"]), Decimal(row["tax"]))
            for row in doc["taxes"]
        }
        got_rows = {
            (row.tax_key.id, row.gross, row.net, row.tax) for row in got.taxes
        }
        line_totals = [Decimal(line["line_total"]) for line in doc["lines"]]
        problems = []
        if list(got.line_totals) != line_totals:
            problems.append(f"line totals {list(got.line_totals)} != {line_totals}")
        if got_rows != expected_rows:
            problems.append(f"tax rows {sorted(got_rows)} != {sorted(expected_rows)}")
        if sign * got.gross != Decimal(doc["totals"]["gross"]):
            problems.append(f"gross {got.gross} != {doc['totals']['gross']}")
        if got.net != Decimal(doc["totals"]["net"]):
            problems.append(f"net {got.net} != {doc['totals']['net']}")
        if sign * got.total != Decimal(doc["total"]):
            problems.append(f"total {got.total} != {doc['total']}")
        if problems:
            failures.append(f"document #{number}: " + "; ".join(problems))
    assert not failures, f"{len(failures)} documents differ:\n" + "\n".join(failures[:20])
