"""The sandbox's storefront and back office: buyers place orders, the merchant marks them paid,
dispatches or deletes them. Every change queues the notification Mozello would send."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from adapters.mozello.sandbox.store import (
    MozelloSandboxState,
    Record,
    SandboxRefusal,
    mozello_time,
)
from adapters.mozello.sandbox.totals import PricedLine, discount_for, order_totals
from domain.money import ZERO, round2

PAYMENT_STATUSES = ("pending", "paid", "failed")
WRITABLE_ORDER_FIELDS = ("payment_status", "archived", "dispatched", "shipping_tracking_code",
                         "shipping_tracking_url", "shipping_label_url")

DEFAULT_BUYER = {
    "name": "Anna Bērziņa", "email": "anna@example.com", "phone": "+371 20000001",
    "country_code": "lv", "address": "Brīvības iela 1-2", "city": "Rīga", "zip": "LV-1010",
}
COUNTRY_NAMES = {"lv": "Latvia", "lt": "Lithuania", "ee": "Estonia", "fi": "Finland",
                 "de": "Germany", "se": "Sweden", "pl": "Poland"}


class OutOfStock(SandboxRefusal):
    def __init__(self, sku: str, wanted: int, left: int):
        super().__init__(400, f"Only {left} of {sku} left, {wanted} ordered")


@dataclass(frozen=True)
class _Picked:
    record: Record
    variant: dict | None
    quantity: int


class Storefront:
    def __init__(self, state: MozelloSandboxState):
        self.state = state

    # --- the buyer -------------------------------------------------------------------------

    def place_order(
        self,
        items: Sequence[tuple[Any, int]],
        customer: dict | None = None,
        *,
        payment_method: str = "gateway",
        shipping: tuple[str, Decimal] | str | None = None,
        delivery_address: dict | None = None,
        discount_code: str | None = None,
        discount_percent: Decimal | int | None = None,
        paid: bool = False,
        tax_mode: str | None = None,
        taxes_rounding: str | None = None,
        notes: str = "",
    ) -> dict:
        """Items are (SKU, qty), (product handle, qty) or ((handle, variant handle), qty)."""
        state = self.state
        if not items:
            raise ValueError("an order needs at least one item")
        tax_mode = tax_mode or state.tax_mode
        rounding = taxes_rounding or state.taxes_rounding
        buyer = {**DEFAULT_BUYER, **(customer or {})}
        with state.lock:
            picked = [self._pick(ref, int(qty)) for ref, qty in items]
            self._check_stock(picked)
            method, shipping_price = self._shipping(shipping)
            if discount_code and discount_percent is None:
                discount_percent = state.discount_codes.get(discount_code)
            lines = [self._cart_line(p, tax_mode) for p in picked]
            priced = [PricedLine(line["product_price"], p.quantity, self._rate(p.record))
                      for line, p in zip(lines, picked, strict=True)]
            subtotal = round2(sum((line.value for line in priced), ZERO))
            discount = discount_for(subtotal, discount_percent, None)
            totals = order_totals(priced, shipping_price, state.vat_rate, discount,
                                  tax_mode, rounding)
            now = state.clock()
            order_id = state.new_order_id()
            data = self._order_json(order_id, mozello_time(now), buyer, delivery_address,
                                    payment_method, method, totals, tax_mode, lines,
                                    discount_code if discount else None, notes)
            data["weight"] = sum(int(line["weight"] or 0) * p.quantity
                                 for line, p in zip(lines, picked, strict=True))
            state.orders[order_id] = Record(state.new_id(), data, now, now)
            state.emit("ORDER_CREATED", "order", data)
            self._lower_stock(picked)
            if paid:
                self.update_order(order_id, {"payment_status": "paid"})
            return data

    # --- the merchant and the API ----------------------------------------------------------

    def mark_paid(self, order_id: str) -> dict:
        return self.update_order(order_id, {"payment_status": "paid"})

    def dispatch(self, order_id: str) -> dict:
        return self.update_order(order_id, {"dispatched": True})

    def delete_order(self, order_id: str) -> None:
        with self.state.lock:
            record = self.order(order_id)
            del self.state.orders[order_id]
            self.state.emit("ORDER_DELETED", "order", record.data)

    def order(self, order_id: str) -> Record:
        record = self.state.orders.get(order_id)
        if record is None:
            raise SandboxRefusal(404, f"Order {order_id} not found")
        return record

    def update_order(self, order_id: str, fields: dict) -> dict:
        """PUT /store/order/<id>/: only the writable fields; dispatched forces archived."""
        if not isinstance(fields, dict):
            raise SandboxRefusal(400, "order must be an object")
        with self.state.lock:
            record = self.order(order_id)
            data = record.data
            before = (data["payment_status"], data["dispatched"])
            for key in WRITABLE_ORDER_FIELDS:
                if key not in fields:
                    continue
                value = fields[key]
                if key == "payment_status" and value not in PAYMENT_STATUSES:
                    raise SandboxRefusal(400, f"Unknown payment_status {value}")
                if key in ("archived", "dispatched") and not isinstance(value, bool):
                    raise SandboxRefusal(400, f"{key} must be true or false")
                if key == "shipping_label_url":
                    record.extra[key] = value  # writable, never shown (spec §2.8)
                else:
                    data[key] = value if key in ("archived", "dispatched") else str(value or "")
            if data["dispatched"]:
                data["archived"] = True
            self.state.touch(record)
            if data["payment_status"] != before[0]:
                self.state.emit("PAYMENT_CHANGED", "order", data)
            if data["dispatched"] != before[1]:
                self.state.emit("DISPATCH_CHANGED", "order", data)
            return data

    # --- internals -------------------------------------------------------------------------

    def _pick(self, ref: Any, quantity: int) -> _Picked:
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        products = self.state.products
        if isinstance(ref, tuple):
            record = self.state.product(ref[0])
            for variant in record.data.get("variants") or []:
                if variant["variant_handle"] == ref[1]:
                    return _Picked(record, variant, quantity)
            raise SandboxRefusal(404, f"Product {ref[0]} has no variant {ref[1]}")
        for record in products.values():
            for variant in record.data.get("variants") or []:
                if variant.get("sku") and variant["sku"] == ref:
                    return _Picked(record, variant, quantity)
        for record in products.values():
            if record.data.get("sku") and record.data["sku"] == ref:
                return _Picked(record, None, quantity)
        if ref in products:
            record = products[ref]
            if record.data.get("variants"):
                raise ValueError(f"product {ref} has variants: name one")
            return _Picked(record, None, quantity)
        raise SandboxRefusal(404, f"No product or SKU {ref}")

    def _rate(self, record: Record) -> Decimal:
        tax = record.data.get("tax")
        return Decimal(tax) if isinstance(tax, int | Decimal) else self.state.vat_rate

    def _shipping(self, shipping: tuple[str, Decimal] | str | None) -> tuple[str, Decimal]:
        if shipping is None:
            return "", ZERO
        if isinstance(shipping, str):
            if shipping not in self.state.shipping_methods:
                raise ValueError(f"unknown shipping method {shipping}")
            return shipping, round2(self.state.shipping_methods[shipping])
        return shipping[0], round2(shipping[1])

    def _cart_line(self, picked: _Picked, tax_mode: str) -> dict:
        product, variant = picked.record.data, picked.variant
        regular = _first(variant and variant.get("price"), product.get("price"))
        sale = _first(variant and variant.get("sale_price"),
                      None if variant and variant.get("price") is not None
                      else product.get("sale_price"))
        if regular is None:
            raise ValueError(f"product {product['handle']} has no price")
        values = _variant_values(product, variant, self.state.language) if variant else None
        sku = (variant or {}).get("sku") or product.get("sku") or ""
        title = _in_language(product.get("title"), self.state.language) or product["handle"]
        name = ", ".join([title, *(values or []), *([sku] if sku else [])])
        rate = self._rate(picked.record)
        return {
            "product_handle": product["handle"],
            "product_name": name,
            "product_variant": values,
            "product_variant_handle": variant["variant_handle"] if variant else None,
            "product_price": round2(sale if sale is not None else regular),
            "product_price_original": round2(regular),
            "product_sku": sku,
            "product_quantity": picked.quantity,
            "weight": product.get("weight") or 0,
            "tax_inclusive_percent": rate if tax_mode == "inclusive" else 0,
            "tax_exclusive_percent": rate if tax_mode == "exclusive" else 0,
        }

    @staticmethod
    def _check_stock(picked: list[_Picked]) -> None:
        wanted: dict[int, tuple[dict, str, int]] = {}
        for p in picked:
            holder = p.variant if p.variant is not None else p.record.data
            if holder.get("stock") is None:
                continue  # not tracked: unlimited
            name = holder.get("sku") or p.record.data["handle"]
            _, _, before = wanted.get(id(holder), (holder, name, 0))
            wanted[id(holder)] = (holder, name, before + p.quantity)
        for holder, name, quantity in wanted.values():
            if holder["stock"] < quantity:
                raise OutOfStock(name, quantity, holder["stock"])

    def _lower_stock(self, picked: list[_Picked]) -> None:
        changed: dict[str, Record] = {}
        for p in picked:
            holder = p.variant if p.variant is not None else p.record.data
            if holder.get("stock") is not None:
                holder["stock"] -= p.quantity
                self.state.touch(p.record)
                changed[p.record.data["handle"]] = p.record
        for record in changed.values():
            self.state.emit("STOCK_CHANGED", "product", record.data)

    def _order_json(self, order_id, created_at, buyer, delivery, payment_method, method,
                    totals, tax_mode, cart, discount_code, notes) -> dict:
        state = self.state
        country = buyer["country_code"].lower()
        shipping_rate = state.vat_rate if totals.shipping_price else None
        token = hashlib.md5(f"{state.alias}/{order_id}".encode()).hexdigest()
        address = None
        if delivery is not None or method:
            source = {**buyer, **(delivery or {})}
            address = {"country_name": COUNTRY_NAMES.get(source["country_code"].lower(), ""),
                       "country_code": source["country_code"].lower(),
                       "address": source["address"], "city": source["city"],
                       "province_code": "", "zip": source["zip"],
                       "pickup_point_id": source.get("pickup_point_id", "")}
        return {
            "order_id": order_id, "created_at": created_at, "payment_status": "pending",
            "dispatched": False, "archived": False, "name": buyer["name"],
            "company": buyer.get("company", ""), "vat_id": buyer.get("vat_id", ""),
            "company_id": buyer.get("company_id", ""), "email": buyer["email"],
            "phone": buyer["phone"], "country_name": COUNTRY_NAMES.get(country, ""),
            "country_code": country, "address": buyer["address"], "city": buyer["city"],
            "province_code": "", "zip": buyer["zip"], "shipping": address, "notes": notes,
            "payment_method": payment_method, "payment_method_details": "",
            "shipping_method": method, "shipping_method_details": "",
            "shipping_tracking_code": "", "shipping_tracking_url": "",
            "shipping_price": totals.shipping_price,
            "shipping_price_original": totals.shipping_price,
            "shipping_tax_inclusive_percent": shipping_rate if tax_mode == "inclusive" else None,
            "shipping_tax_exclusive_percent": shipping_rate if tax_mode == "exclusive" else None,
            "currency": state.currency, "subtotal": totals.subtotal, "taxes": totals.taxes,
            "total": totals.total, "weight": 0, "discount_code": discount_code,
            "discount_amount": totals.discount_amount,
            "origin_url": f"https://{state.alias}.mozello.shop/store/", "cart": cart,
            "print_url": f"https://{state.alias}.mozello.com/m/invoice/{token}/",
        }


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _in_language(text: Any, language: str) -> str:
    if isinstance(text, dict):
        return str(text.get(language) or next(iter(text.values()), "") or "")
    return str(text or "")


def _variant_values(product: dict, variant: dict, language: str) -> list[str]:
    names = []
    for number, option in enumerate(product.get("options") or [], start=1):
        handle = variant.get(f"option_value_handle{number}")
        for value in option.get("values") or []:
            if value.get("value_handle") == handle:
                names.append(_in_language(value.get("value_name"), language))
    return names
