"""The PayTraq sandbox's JSON: the seed (company, warehouses, tax keys, money accounts, price
groups, products with stock and prices, clients) and, when saved, its sales and payments.
Amounts are strings in the JSON, Decimals in memory."""

from __future__ import annotations

import itertools
from dataclasses import asdict
from decimal import Decimal

from adapters.paytraq.sandbox.state import (
    ChargeRow,
    Client,
    Line,
    Message,
    MoneyAccount,
    Payment,
    PriceGroup,
    Product,
    Sale,
    SandboxState,
    Warehouse,
)
from domain.paytraq_totals import TaxKey


def _decimals(mapping: dict) -> dict[str, Decimal]:
    return {str(k): Decimal(str(v)) for k, v in (mapping or {}).items()}


def _charge(raw: dict | None) -> ChargeRow | None:
    if raw is None:
        return None
    return ChargeRow(**{**raw, "amount": Decimal(raw["amount"])})


def load_into(state: SandboxState, seed: dict) -> None:
    company = seed.get("company", {})
    state.company_name = company.get("name", state.company_name)
    state.credentials = [
        (c["api_key"], c["api_token"]) for c in seed.get("credentials", [])
    ] or ([(company["api_key"], company["api_token"])] if "api_key" in company else [])
    state.warehouses = {str(w["id"]): Warehouse(str(w["id"]), w["name"]) for w in seed.get("warehouses", [])}
    state.tax_keys = {
        str(k["id"]): TaxKey(str(k["id"]), k["name"], None if k.get("rate") is None else Decimal(str(k["rate"])))
        for k in seed.get("tax_keys", [])
    }
    state.money_accounts = {
        str(a["id"]): MoneyAccount(str(a["id"]), a["name"], a.get("type", "bank"))
        for a in seed.get("money_accounts", [])
    }
    state.price_groups = {
        str(g["id"]): PriceGroup(str(g["id"]), g["name"], g.get("currency", "EUR"))
        for g in seed.get("price_groups", [])
    }
    state.products = {}
    for p in seed.get("products", []):
        product = Product(
            item_id=str(p["item_id"]), code=p["code"], name=p.get("name", ""),
            barcode=p.get("barcode", ""), tax_key_id=str(p.get("tax_key_id", "")),
            stock=_decimals(p.get("stock")), prices=_decimals(p.get("prices")),
        )
        state.products[product.item_id] = product
    state.clients = {str(c["id"]): Client(**{**c, "id": str(c["id"])}) for c in seed.get("clients", [])}
    for raw in seed.get("sales", []):
        sale = Sale(**{
            **raw,
            "lines": [
                Line(**{**li, "qty": Decimal(li["qty"]), "price": Decimal(li["price"]),
                        "discount": Decimal(li["discount"])})
                for li in raw["lines"]
            ],
            "shipping": _charge(raw.get("shipping")),
            "adjustments": [_charge(a) for a in raw.get("adjustments", [])],
            "messages": [Message(**m) for m in raw.get("messages", [])],
        })
        state.sales[sale.id] = sale
    for raw in seed.get("payments", []):
        payment = Payment(**{**raw, "amount": Decimal(raw["amount"])})
        state.payments[payment.id] = payment
    state._next_id = itertools.count(int(seed.get("next_id", 15600001)))


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def dump(state: SandboxState) -> dict:
    next_id = int(state.new_id())
    state._next_id = itertools.count(next_id)
    return {
        "company": {"name": state.company_name},
        "credentials": [{"api_key": k, "api_token": t} for k, t in state.credentials],
        "warehouses": [asdict(w) for w in state.warehouses.values()],
        "tax_keys": [
            {"id": k.id, "name": k.name, "rate": None if k.rate is None else str(k.rate)}
            for k in state.tax_keys.values()
        ],
        "money_accounts": [asdict(a) for a in state.money_accounts.values()],
        "price_groups": [asdict(g) for g in state.price_groups.values()],
        "products": [_plain(asdict(p)) for p in state.products.values()],
        "clients": [asdict(c) for c in state.clients.values()],
        "sales": [_plain(asdict(s)) for s in state.sales.values()],
        "payments": [_plain(asdict(p)) for p in state.payments.values()],
        "next_id": next_id,
    }
