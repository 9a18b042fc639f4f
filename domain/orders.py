"""A Mozello order as the business sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.money import ZERO


class PaymentStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Address:
    address: str = ""
    city: str = ""
    zip: str = ""
    country_code: str = ""
    province_code: str = ""
    pickup_point_id: str = ""

    def one_line(self) -> str:
        parts = [self.address, self.city]
        if self.pickup_point_id:
            parts.append(f"({self.pickup_point_id})")
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Customer:
    name: str
    email: str = ""
    phone: str = ""
    company: str = ""
    registration_number: str = ""
    vat_number: str = ""
    billing_address: Address = field(default_factory=Address)

    @property
    def is_company(self) -> bool:
        """A company name or registration number makes the buyer a legal entity (PayTraq type 2)."""
        return bool(self.company.strip() or self.registration_number.strip())

    @property
    def display_name(self) -> str:
        return self.company.strip() or self.name.strip()


@dataclass(frozen=True, slots=True)
class OrderLine:
    sku: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal | None
    price_includes_vat: bool = True
    product_handle: str | None = None
    variant_handle: str | None = None
    variant: tuple[str, ...] = ()

    @property
    def gross_value(self) -> Decimal:
        """Quantity times unit price, unrounded, on the shop's price basis (the order page's
        per-tax-key comparison)."""
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class Shipping:
    method: str
    price: Decimal
    vat_rate: Decimal | None
    price_includes_vat: bool = True


@dataclass(frozen=True, slots=True)
class OrderDiscount:
    code: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class SalesOrder:
    order_id: str
    created_at: datetime
    currency: str
    customer: Customer
    lines: tuple[OrderLine, ...]
    payment_method: str
    payment_status: PaymentStatus
    subtotal: Decimal
    taxes: Decimal
    total: Decimal
    delivery_address: Address | None = None
    shipping: Shipping | None = None
    discount: OrderDiscount | None = None
    notes: str = ""
    payment_method_details: str = ""
    dispatched: bool = False
    archived: bool = False

    @property
    def is_paid(self) -> bool:
        return self.payment_status is PaymentStatus.PAID

    @property
    def prices_include_vat(self) -> bool:
        """Mozello uses one tax mode per order; an order with no VAT rates counts as inclusive."""
        return all(line.price_includes_vat for line in self.lines)

    @property
    def discount_amount(self) -> Decimal:
        return self.discount.amount if self.discount else ZERO

