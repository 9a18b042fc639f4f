"""Marshmallow schemas for Mozello's order and product JSON, turned into domain objects.

Parse leniently, as the spec asks: unknown keys are ignored (on every nested schema too),
optional fields may be missing or null, numbers may arrive as ints, Decimals or strings
(`"price": "11"` was seen). The JSON is decoded by `wire.decode`, so fractions are Decimal from
the text and never pass through float.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from application.ports import ShopProduct, ShopVariant
from domain.orders import (
    Address,
    Customer,
    OrderDiscount,
    OrderLine,
    PaymentStatus,
    SalesOrder,
    Shipping,
)

MOZELLO_TIME = "%Y-%m-%d %H:%M:%S"
# Every amount and quantity a shop sends fits these: 12 digits before the point, 10 after.
# Anything larger is refused at the edge, so no later arithmetic can overflow Decimal's precision.
LARGEST_AMOUNT = Decimal("1e12")
FINEST_AMOUNT = Decimal("1e-10")


# --- lenient fields ------------------------------------------------------------------------


class Text(fields.Field):
    """A string; null or missing is "", a number is written out as text."""

    def __init__(self, **kwargs: Any):
        super().__init__(load_default="", allow_none=True, **kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any):
        if value is None:
            return ""
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise ValidationError("Not a text value.")
        return str(value)


class Amount(fields.Field):
    """A number as int, Decimal or numeric string; never a float. Null stays None."""

    def __init__(self, **kwargs: Any):
        if not kwargs.get("required"):
            kwargs.setdefault("load_default", None)
        super().__init__(allow_none=True, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or isinstance(value, float):
            raise ValidationError("Not an exact number.")
        if isinstance(value, int | Decimal):
            result = Decimal(value)
        elif isinstance(value, str):
            try:
                result = Decimal(value.strip())
            except InvalidOperation as exc:
                raise ValidationError(f"{value!r} is not a number.") from exc
        else:
            raise ValidationError("Not a number.")
        if not result.is_finite():
            raise ValidationError("Not a finite number.")
        return _bounded(result)


def _bounded(number: Decimal) -> Decimal:
    if abs(number) >= LARGEST_AMOUNT:
        raise ValidationError(f"{number} is out of range (at most 12 digits before the point).")
    if number.quantize(FINEST_AMOUNT) != number:
        raise ValidationError(f"{number} has more than 10 decimal places.")
    return number


class StockCount(Amount):
    """Whole units; null means the shop does not track stock (unlimited)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        number = super()._deserialize(value, attr, data, **kwargs)
        if number != number.to_integral_value():
            raise ValidationError("Stock must be a whole number.")
        return int(number)


class Flag(fields.Field):
    """A JSON boolean; also 0/1 and "true"/"false" strings. Null or missing is False."""

    def __init__(self, **kwargs: Any):
        super().__init__(load_default=False, allow_none=True, **kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any):
        if value is None:
            return False
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | Decimal) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", ""):
            return value.strip().lower() in ("true", "1")
        raise ValidationError("Not a boolean.")


class MozelloTime(fields.Field):
    """`YYYY-MM-DD HH:MM:SS` without a zone, read as UTC (spec §1.6, U14)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str):
            raise ValidationError("Not a date-time text.")
        text = value.strip().replace("T", " ")
        try:
            parsed = datetime.strptime(text[:19], MOZELLO_TIME)
        except ValueError as exc:
            raise ValidationError(f"{value!r} is not YYYY-MM-DD HH:MM:SS.") from exc
        return parsed.replace(tzinfo=UTC)


def rate_and_mode(inclusive: Decimal | None, exclusive: Decimal | None) -> tuple[Decimal, bool]:
    """The VAT rate of a line or of shipping, and whether its price already includes it."""
    if inclusive:
        return inclusive, True
    if exclusive:
        return exclusive, False
    return Decimal(0), True


# --- schemas -------------------------------------------------------------------------------


class MozelloSchema(Schema):
    """Third-party payloads: ignore what we do not know. Every schema below inherits this."""

    class Meta:
        unknown = EXCLUDE


class AddressSchema(MozelloSchema):
    address = Text()
    city = Text()
    zip = Text()
    country_code = Text()
    province_code = Text()
    pickup_point_id = Text()

    @post_load
    def to_address(self, data: dict, **kwargs: Any) -> Address:
        return Address(**{**data, "country_code": data["country_code"].strip().upper()})


class CartLineSchema(MozelloSchema):
    product_handle = fields.String(load_default=None, allow_none=True)
    product_name = Text()
    product_variant = fields.List(Text(), load_default=None, allow_none=True)
    product_variant_handle = fields.String(load_default=None, allow_none=True)
    product_price = Amount(required=True)
    product_sku = Text()
    product_quantity = Amount(required=True)
    tax_inclusive_percent = Amount()
    tax_exclusive_percent = Amount()

    @post_load
    def to_line(self, data: dict, **kwargs: Any) -> OrderLine:
        if data["product_price"] is None or data["product_quantity"] is None:
            raise ValidationError("A cart line needs product_price and product_quantity.")
        rate, includes_vat = rate_and_mode(
            data["tax_inclusive_percent"], data["tax_exclusive_percent"]
        )
        return OrderLine(
            sku=data["product_sku"],
            name=data["product_name"],
            quantity=data["product_quantity"],
            unit_price=data["product_price"],
            vat_rate=rate,
            price_includes_vat=includes_vat,
            product_handle=data["product_handle"] or None,
            variant_handle=data["product_variant_handle"] or None,
            variant=tuple(data["product_variant"] or ()),
        )


class OrderSchema(MozelloSchema):
    order_id = fields.String(required=True, validate=validate.Length(min=1))
    created_at = MozelloTime(required=True)
    payment_status = fields.String(
        required=True, validate=validate.OneOf([status.value for status in PaymentStatus])
    )
    dispatched = Flag()
    archived = Flag()
    name = Text()
    company = Text()
    vat_id = Text()
    company_id = Text()
    email = Text()
    phone = Text()
    address = Text()
    city = Text()
    province_code = Text()
    zip = Text()
    country_code = Text()
    shipping = fields.Nested(AddressSchema, load_default=None, allow_none=True, unknown=EXCLUDE)
    notes = Text()
    payment_method = Text()
    payment_method_details = Text()
    shipping_method = Text()
    shipping_price = Amount()
    shipping_tax_inclusive_percent = Amount()
    shipping_tax_exclusive_percent = Amount()
    currency = Text()
    subtotal = Amount(required=True)
    taxes = Amount()
    total = Amount(required=True)
    discount_code = Text()
    discount_amount = Amount()
    cart = fields.List(
        fields.Nested(CartLineSchema, unknown=EXCLUDE), load_default=list, allow_none=True
    )

    @post_load
    def to_sales_order(self, data: dict, **kwargs: Any) -> SalesOrder:
        for name in ("subtotal", "total"):
            if data[name] is None:
                raise ValidationError(f"The order's {name} may not be null.", name)
        billing = Address(
            address=data["address"],
            city=data["city"],
            zip=data["zip"],
            country_code=data["country_code"].strip().upper(),
            province_code=data["province_code"],
        )
        customer = Customer(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            company=data["company"],
            registration_number=data["company_id"],
            vat_number=data["vat_id"],
            billing_address=billing,
        )
        discount_amount = data["discount_amount"] or Decimal(0)
        return SalesOrder(
            order_id=data["order_id"],
            created_at=data["created_at"],
            currency=data["currency"].strip().upper(),
            customer=customer,
            lines=tuple(data["cart"] or ()),
            payment_method=data["payment_method"],
            payment_status=PaymentStatus(data["payment_status"]),
            subtotal=data["subtotal"],
            taxes=data["taxes"] if data["taxes"] is not None else Decimal(0),
            total=data["total"],
            delivery_address=data["shipping"],
            shipping=self._shipping(data),
            discount=OrderDiscount(data["discount_code"], discount_amount)
            if discount_amount
            else None,
            notes=data["notes"],
            payment_method_details=data["payment_method_details"],
            dispatched=data["dispatched"],
            archived=data["archived"],
        )

    @staticmethod
    def _shipping(data: dict) -> Shipping | None:
        price = data["shipping_price"] or Decimal(0)
        method = data["shipping_method"]
        if not price and not method:
            return None
        rate, includes_vat = rate_and_mode(
            data["shipping_tax_inclusive_percent"], data["shipping_tax_exclusive_percent"]
        )
        return Shipping(method=method, price=price, vat_rate=rate, price_includes_vat=includes_vat)


class VariantSchema(MozelloSchema):
    variant_handle = fields.String(required=True, validate=validate.Length(min=1))
    sku = Text()
    stock = StockCount()
    price = Amount()
    sale_price = Amount()

    @post_load
    def to_variant(self, data: dict, **kwargs: Any) -> ShopVariant:
        return ShopVariant(
            handle=data["variant_handle"],
            sku=data["sku"],
            stock=data["stock"],
            price=data["price"],
            sale_price=data["sale_price"],
        )


class ProductSchema(MozelloSchema):
    handle = fields.String(required=True, validate=validate.Length(min=1))
    sku = Text()
    stock = StockCount()
    price = Amount()
    sale_price = Amount()
    variants = fields.List(
        fields.Nested(VariantSchema, unknown=EXCLUDE), load_default=list, allow_none=True
    )


def load_order(raw: dict) -> SalesOrder:
    """A full Mozello order object as a SalesOrder; ValidationError says what is wrong."""
    if not isinstance(raw, dict):
        raise ValidationError("An order must be a JSON object.")
    return OrderSchema().load(raw)


def load_product(raw: dict) -> ShopProduct:
    """A Mozello product object as a ShopProduct (stock None = not tracked)."""
    if not isinstance(raw, dict):
        raise ValidationError("A product must be a JSON object.")
    data = ProductSchema().load(raw)
    return ShopProduct(
        handle=data["handle"],
        sku=data["sku"],
        stock=data["stock"],
        price=data["price"],
        sale_price=data["sale_price"],
        variants=tuple(data["variants"] or ()),
        raw=raw,
    )


def describe_errors(error: ValidationError) -> str:
    """One readable line from marshmallow's nested error messages."""
    return "; ".join(_flatten(error.messages))


def _flatten(messages: Any, prefix: str = "") -> list[str]:
    if isinstance(messages, dict):
        found: list[str] = []
        for key, value in messages.items():
            found += _flatten(value, f"{prefix}{key}." if key != "_schema" else prefix)
        return found
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{prefix.rstrip('.') or 'value'}: {' '.join(messages)}"]
    if isinstance(messages, list):
        return [text for item in messages for text in _flatten(item, prefix)]
    return [f"{prefix.rstrip('.')}: {messages}"]
