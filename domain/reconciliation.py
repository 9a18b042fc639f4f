"""Does the PayTraq document total what the shop charged? (seed: "Totals reconciliation")

PayTraq keeps a document whose total differs from the shop's order in Draft and adds no payment.
The policy predicts PayTraq's total with PayTraq's own rule (domain.paytraq_totals), compares it
with the Mozello order, and says why they differ: `rounding` (within one cent per line, the mark
of a shop that rounds VAT per line), `tax_group` (a VAT rate mapped to a tax key of another rate,
or not mapped), or `other`. With a rounding-adjustment limit, a small rounding difference is
closed by an explicit no-VAT adjustment, as accountants do by hand.

Over 250 lines on purpose: the policy and the plain-words explanation of each cause live
together, so the cause a person reads is always the cause the policy decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.documents import Adjustment, Document
from domain.money import CENT, ZERO
from domain.orders import SalesOrder
from domain.paytraq_totals import AdjustmentType, TaxKey
from domain.review import ReasonCode, ReviewReason
from domain.settings import ChannelSettings


class MismatchCause(StrEnum):
    ROUNDING = "rounding"
    TAX_GROUP = "tax_group"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class TaxKeyBreakdown:
    """One PayTraq tax key: what PayTraq computes there, and the shop's VAT rates that map to it."""

    tax_key_id: str
    tax_key_name: str
    tax_key_rate: Decimal | None
    shop_rates: tuple[Decimal | None, ...]
    gross: Decimal
    net: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Matched:
    shop_total: Decimal
    paytraq_total: Decimal
    shop_taxes: Decimal
    paytraq_taxes: Decimal
    matched = True


@dataclass(frozen=True, slots=True)
class MatchedWithAdjustment:
    shop_total: Decimal
    paytraq_total: Decimal
    shop_taxes: Decimal
    paytraq_taxes: Decimal
    adjustment: Adjustment
    matched = True


@dataclass(frozen=True, slots=True)
class Mismatch:
    shop_total: Decimal
    paytraq_total: Decimal
    shop_taxes: Decimal
    paytraq_taxes: Decimal
    cause: MismatchCause
    breakdown: tuple[TaxKeyBreakdown, ...]
    explanation: str
    matched = False

    @property
    def difference(self) -> Decimal:
        """What the shop charged minus what PayTraq computes."""
        return self.shop_total - self.paytraq_total


    def reason(self) -> ReviewReason:
        return ReviewReason.of(
            ReasonCode.TOTALS_MISMATCH,
            self.explanation,
            cause=self.cause.value,
            shop_total=self.shop_total,
            paytraq_total=self.paytraq_total,
            difference=self.difference,
            shop_taxes=self.shop_taxes,
            paytraq_taxes=self.paytraq_taxes,
        )


ReconciliationResult = Matched | MatchedWithAdjustment | Mismatch


def _rate(value: Decimal | None) -> Decimal:
    return ZERO if value is None else value


class ReconciliationPolicy:
    def __init__(self, rounding_limit: Decimal = ZERO, rounding_tax_key: TaxKey | None = None):
        self.rounding_limit = rounding_limit
        self.rounding_tax_key = rounding_tax_key

    @classmethod
    def for_settings(
        cls, settings: ChannelSettings, tax_keys: dict[str, TaxKey]
    ) -> ReconciliationPolicy:
        key = tax_keys.get(settings.rounding_tax_key) if settings.rounding_tax_key else None
        return cls(settings.rounding_limit, key)

    def reconcile(
        self,
        order: SalesOrder,
        document: Document,
        paytraq_total: Decimal | None = None,
        paytraq_taxes: Decimal | None = None,
    ) -> ReconciliationResult:
        """Compare the shop's order with the document to be created, or — given PayTraq's
        read-back `paytraq_total` (and tax) of an existing document — with what PayTraq holds:
        that wins over the prediction (a person may have edited it), and an existing document
        is never adjusted, so it either matches to the cent or it does not."""
        totals = document.totals()
        existing = paytraq_total is not None
        predicted = paytraq_total if existing else totals.total
        paytraq_taxes = totals.tax if paytraq_taxes is None else paytraq_taxes
        tolerance = CENT * self._priced_parts(document)
        taxes_off = abs(order.taxes - paytraq_taxes) > tolerance
        if order.total == predicted and not taxes_off:
            return Matched(order.total, predicted, order.taxes, paytraq_taxes)

        breakdown = self._breakdown(order, document)
        cause = self._cause(order, document, predicted, tolerance)
        difference = order.total - predicted
        if (
            not existing
            and cause is MismatchCause.ROUNDING
            and not taxes_off
            and self.rounding_tax_key is not None
            and abs(difference) <= self.rounding_limit
        ):
            adjustment = Adjustment(
                AdjustmentType.CHARGE if difference > 0 else AdjustmentType.DISCOUNT,
                abs(difference),
                self.rounding_tax_key,
                "Rounding",
            )
            return MatchedWithAdjustment(
                order.total, predicted, order.taxes, paytraq_taxes, adjustment
            )
        return Mismatch(
            order.total,
            predicted,
            order.taxes,
            paytraq_taxes,
            cause,
            breakdown,
            self._explain(order, predicted, paytraq_taxes, cause, breakdown),
        )

    @staticmethod
    def _priced_parts(document: Document) -> int:
        return max(1, len(document.lines) + (1 if document.shipping else 0))

    @staticmethod
    def _shop_rates_by_key(order: SalesOrder, document: Document) -> dict[str, set]:
        rates: dict[str, set] = {}
        for shop_line, doc_line in zip(order.lines, document.lines, strict=False):
            rates.setdefault(doc_line.tax_key.id, set()).add(shop_line.vat_rate)
        if document.shipping is not None and order.shipping is not None:
            rates.setdefault(document.shipping.tax_key.id, set()).add(order.shipping.vat_rate)
        return rates

    def _cause(
        self, order: SalesOrder, document: Document, predicted: Decimal, tolerance: Decimal
    ) -> MismatchCause:
        if len(document.lines) != len(order.lines):
            return MismatchCause.TAX_GROUP
        keys = {line.tax_key.id: line.tax_key for line in document.lines}
        if document.shipping is not None:
            keys[document.shipping.tax_key.id] = document.shipping.tax_key
        for key_id, shop_rates in self._shop_rates_by_key(order, document).items():
            if any(_rate(rate) != _rate(keys[key_id].rate) for rate in shop_rates):
                return MismatchCause.TAX_GROUP
        if abs(order.total - predicted) <= tolerance:
            return MismatchCause.ROUNDING
        return MismatchCause.OTHER

    def breakdown(self, order: SalesOrder, document: Document) -> tuple[TaxKeyBreakdown, ...]:
        """PayTraq's amounts per tax key, with the shop's VAT rates mapped to each."""
        return self._breakdown(order, document)

    def _breakdown(self, order: SalesOrder, document: Document) -> tuple[TaxKeyBreakdown, ...]:
        totals = document.totals()
        shop_rates = self._shop_rates_by_key(order, document)
        rows = []
        for row in totals.taxes:
            rates = tuple(sorted(shop_rates.get(row.tax_key.id, ()), key=_rate))
            rows.append(
                TaxKeyBreakdown(
                    row.tax_key.id,
                    row.tax_key.name,
                    row.tax_key.rate,
                    rates,
                    row.gross,
                    row.net,
                    row.tax,
                )
            )
        return tuple(rows)

    @staticmethod
    def _explain(
        order: SalesOrder,
        predicted: Decimal,
        paytraq_taxes: Decimal,
        cause: MismatchCause,
        breakdown: tuple[TaxKeyBreakdown, ...],
    ) -> str:
        if order.total == predicted:
            return _explain_vat_only(order, paytraq_taxes, cause, breakdown)
        head = (
            f"Mozello total {order.total} {order.currency} (VAT {order.taxes}) differs from the "
            f"PayTraq document total {predicted} (VAT {paytraq_taxes}) by {order.total - predicted}"
        )
        if cause is MismatchCause.ROUNDING:
            return (
                head + ": VAT rounding — the shop rounds VAT per line, PayTraq per tax key on "
                "the whole document. The document stays Draft and no payment is added."
            )
        if cause is MismatchCause.TAX_GROUP:
            detail = _wrong_keys(breakdown) or "a VAT rate has no matching tax key"
            return (
                head + f": wrong tax group ({detail}). Fix the channel's tax mapping or the "
                "document's tax keys; the document stays Draft and no payment is added."
            )
        return (
            head + ": the amounts differ beyond rounding (prices, discount or shipping). "
            "The document stays Draft and no payment is added."
        )


def _wrong_keys(breakdown: tuple[TaxKeyBreakdown, ...]) -> str:
    return "; ".join(
        f"{', '.join(str(_rate(r)) + '%' for r in row.shop_rates)} → "
        f"{row.tax_key_name or row.tax_key_id} ({_rate(row.tax_key_rate)}%)"
        for row in breakdown
        if any(_rate(r) != _rate(row.tax_key_rate) for r in row.shop_rates)
    )


def _explain_vat_only(
    order: SalesOrder,
    paytraq_taxes: Decimal,
    cause: MismatchCause,
    breakdown: tuple[TaxKeyBreakdown, ...],
) -> str:
    """The totals agree to the cent, the VAT does not: name both VAT figures and the likely cause."""
    wrong = _wrong_keys(breakdown)
    if cause is MismatchCause.TAX_GROUP or wrong:
        likely = (f"a VAT rate is mapped to a tax key of another rate ({wrong or 'unmapped'}); "
                  "fix the channel's tax mapping or the document's tax keys")
    else:
        likely = ("the shop's VAT figure does not cover what PayTraq taxes (a line or the "
                  "shipping on a tax key without VAT, or the shop's VAT left out the shipping); "
                  "check the tax keys of the document's lines and shipping")
    return (
        f"Mozello and PayTraq agree on the total {order.total} {order.currency}, but not on the "
        f"VAT: Mozello VAT {order.taxes}, PayTraq VAT {paytraq_taxes} (difference "
        f"{order.taxes - paytraq_taxes}). Likely cause: {likely}. The document stays Draft and "
        "no payment is added."
    )
