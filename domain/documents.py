"""The PayTraq sale document built from a Mozello order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from domain.money import CENT, ZERO, round2
from domain.orders import Address, OrderLine, SalesOrder
from domain.paytraq_totals import (
    AdjustmentBasis,
    AdjustmentType,
    Charge,
    DocumentTotals,
    PricedLine,
    TaxKey,
    compute_totals,
)
from domain.review import ReasonCode, ReviewReason
from domain.settings import ChannelSettings, DocumentType, Operation, UnknownSkuPolicy

PAYMENT_METHOD_NAMES = {
    "gateway": "Payment Gateway",
    "paypal": "PayPal",
    "banktransfer": "Bank Transfer",
    "cod": "Cash on Delivery",
}


@dataclass(frozen=True, slots=True)
class DocumentLine:
    sku: str
    item_id: str | None
    description: str
    qty: Decimal
    price: Decimal
    tax_key: TaxKey
    discount_pct: Decimal = ZERO

    def priced(self) -> PricedLine:
        return PricedLine(self.qty, self.price, self.discount_pct, self.tax_key)


@dataclass(frozen=True, slots=True)
class ShippingCharge:
    amount: Decimal
    tax_key: TaxKey


@dataclass(frozen=True, slots=True)
class Adjustment:
    type: AdjustmentType
    amount: Decimal
    tax_key: TaxKey
    description: str = ""
    basis: AdjustmentBasis = AdjustmentBasis.AMOUNT

    def charge(self) -> Charge:
        return Charge(self.amount, self.tax_key, self.type, self.basis)


@dataclass(frozen=True, slots=True)
class Document:
    """A PayTraq sale: `document_ref` is the Mozello order id, the natural key for idempotency."""

    document_ref: str
    document_date: date
    client_id: str
    sale_type: DocumentType
    operation: Operation
    currency: str
    include_tax: bool
    lines: tuple[DocumentLine, ...]
    shipping: ShippingCharge | None = None
    adjustments: tuple[Adjustment, ...] = ()
    comment: str = ""
    warehouse_id: str | None = None
    ship_to: str = ""
    delivery_address: Address | None = None

    def totals(self) -> DocumentTotals:
        shipping = Charge(self.shipping.amount, self.shipping.tax_key) if self.shipping else None
        return compute_totals(
            self.include_tax,
            (line.priced() for line in self.lines),
            shipping,
            (adjustment.charge() for adjustment in self.adjustments),
        )

    def with_adjustment(self, adjustment: Adjustment) -> Document:
        return replace(self, adjustments=(*self.adjustments, adjustment))


@dataclass(frozen=True, slots=True)
class DocumentDraft:
    """A document ready to create, or the reasons it cannot be created yet."""

    document: Document | None
    problems: tuple[ReviewReason, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.problems


def line_description(line: OrderLine) -> str:
    """PayTraq's Mozello channel writes "<name> [<SKU>]"; Mozello's name already ends in the SKU."""
    name = line.name.strip()
    if line.sku and name.endswith(f", {line.sku}"):
        name = name[: -len(line.sku) - 2]
    return f"{name} [{line.sku}]" if line.sku else name


def document_comment(order: SalesOrder) -> str:
    method = order.payment_method_details.strip() or PAYMENT_METHOD_NAMES.get(
        order.payment_method, order.payment_method
    )
    parts = [order.order_id, method]
    if order.notes.strip():
        parts.append(order.notes.strip())
    return ", ".join(p for p in parts if p)


def split_proportionally(amount: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Split `amount` into cents by weight; the cents left over go to the largest remainders."""
    total_weight = sum(weights.values(), ZERO)
    if not weights or total_weight == 0:
        return {}
    cents = int((round2(amount) / CENT).to_integral_value())
    raw = {key: Decimal(cents) * weight / total_weight for key, weight in weights.items()}
    shares = {key: int(value) for key, value in raw.items()}
    left = cents - sum(shares.values())
    for key in sorted(raw, key=lambda k: (raw[k] - shares[k]), reverse=True)[:left]:
        shares[key] += 1
    return {key: Decimal(share) * CENT for key, share in shares.items() if share}


def build_document(
    order: SalesOrder,
    settings: ChannelSettings,
    client_id: str,
    item_ids: Mapping[str, str | None],
    tax_keys: Mapping[str, TaxKey],
    document_date: date,
) -> DocumentDraft:
    """Turn an order into a PayTraq sale, or say exactly what stops it."""
    keys = _TaxKeys(settings, tax_keys)
    lines = _lines(order, settings, item_ids, keys)
    shipping = None
    if order.shipping is not None and order.shipping.price:
        key = keys.key_for(order.shipping.vat_rate, "shipping")
        if key is not None:
            shipping = ShippingCharge(order.shipping.price, key)
    if keys.problems:
        return DocumentDraft(None, tuple(keys.problems))
    customer = order.customer
    return DocumentDraft(
        Document(
            document_ref=order.order_id,
            document_date=document_date,
            client_id=client_id,
            sale_type=settings.document_type,
            operation=settings.operation,
            currency=order.currency,
            include_tax=order.prices_include_vat,
            lines=tuple(lines),
            shipping=shipping,
            adjustments=tuple(_discounts(order, lines)),
            comment=document_comment(order),
            warehouse_id=settings.warehouse_id,
            ship_to=", ".join(p for p in (customer.name, customer.phone) if p),
            delivery_address=order.delivery_address or customer.billing_address,
        )
    )


class _TaxKeys:
    """The PayTraq tax key of each VAT rate, collecting a review reason for each one missing
    (and, in the same list, whatever else stops the document)."""

    def __init__(self, settings: ChannelSettings, tax_keys: Mapping[str, TaxKey]):
        self.settings, self.tax_keys = settings, tax_keys
        self.problems: list[ReviewReason] = []

    def key_for(self, rate: Decimal | None, what: str) -> TaxKey | None:
        key_id = self.settings.tax_key_for(rate)
        shown = f"{rate}%" if rate is not None else "no VAT rate"
        if key_id is None:
            self.problems.append(ReviewReason.of(
                ReasonCode.UNMAPPED_TAX_RATE,
                f"VAT rate {shown} on {what} has no PayTraq tax key in the channel's tax mapping",
                rate=str(rate),
            ))
            return None
        key = self.tax_keys.get(key_id)
        if key is None:
            self.problems.append(ReviewReason.of(
                ReasonCode.UNMAPPED_TAX_RATE,
                f"tax key {key_id} mapped for VAT rate {shown} on {what} does not exist in "
                "PayTraq",
                rate=str(rate),
                tax_key=key_id,
            ))
        return key


def _lines(order: SalesOrder, settings: ChannelSettings, item_ids: Mapping[str, str | None],
           keys: _TaxKeys) -> list[DocumentLine]:
    lines: list[DocumentLine] = []
    for line in order.lines:
        key = keys.key_for(line.vat_rate, f"'{line.name}'")
        item_id = item_ids.get(line.sku) if line.sku else None
        if item_id is None and settings.unknown_sku is UnknownSkuPolicy.HOLD:
            keys.problems.append(ReviewReason.of(
                ReasonCode.UNKNOWN_SKU,
                f"SKU {line.sku or '(no SKU)'} of '{line.name}' is not a PayTraq product code",
                sku=line.sku,
            ))
        if key is not None:
            lines.append(DocumentLine(line.sku, item_id, line_description(line), line.quantity,
                                      line.unit_price, key))
    return lines


def _discounts(order: SalesOrder, lines: list[DocumentLine]) -> list[Adjustment]:
    """The order's discount, split over the lines' tax keys in proportion to their totals."""
    if not order.discount_amount or not lines:
        return []
    weights: dict[str, Decimal] = {}
    keys_by_id: dict[str, TaxKey] = {}
    for doc_line in lines:
        keys_by_id[doc_line.tax_key.id] = doc_line.tax_key
        weights[doc_line.tax_key.id] = weights.get(doc_line.tax_key.id, ZERO) + doc_line.priced().total
    code = order.discount.code if order.discount else ""
    label = f"Discount code {code}" if code else "Discount"
    return [Adjustment(AdjustmentType.DISCOUNT, share, keys_by_id[key_id], label)
            for key_id, share in split_proportionally(order.discount_amount, weights).items()]
