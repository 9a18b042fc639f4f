"""Marshmallow schemas for Mozello's order and product JSON, turned into domain objects.

Parse leniently, as the spec asks: unknown keys are ignored (on every nested schema too),
optional fields may be missing or null, numbers may arrive as ints, Decimals or strings
(`"price": "11"` was seen). The JSON is decoded by `wire.decode`, so fractions are Decimal from
the text and never pass through float.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from adapters.mozello.fields import (
    Amount,
    Flag,
    MozelloTime,
    StockCount,
    Text,
    rate_and_mode,
)
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


@functools.cache
def _schema(kind: type[Schema]) -> Schema:
    """One instance per schema, reused: building one (its fields, nested schemas) costs more
    than loading a product with it. Loading does not change the instance."""
    return kind()


def load_order(raw: dict) -> SalesOrder:
    """A full Mozello order object as a SalesOrder; ValidationError says what is wrong."""
    if not isinstance(raw, dict):
        raise ValidationError("An order must be a JSON object.")
    return _schema(OrderSchema).load(raw)


def load_product(raw: dict) -> ShopProduct:
    """A Mozello product object as a ShopProduct (stock None = not tracked)."""
    if not isinstance(raw, dict):
        raise ValidationError("A product must be a JSON object.")
    data = _schema(ProductSchema).load(raw)
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
