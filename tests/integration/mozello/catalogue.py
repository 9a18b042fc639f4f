"""A small catalogue in Mozello's JSON, shared by the contract suite's two arms."""

from __future__ import annotations

import copy
from decimal import Decimal

TEA_TOWEL = {"handle": "uid-5102234", "title": {"en": "Linen tea towel", "lv": "Lina dvielis"},
             "price": Decimal("24.20"), "sale_price": None, "sku": "TT-100", "stock": 40}
NAPKINS = {"handle": "uid-5102235", "title": {"en": "Linen napkins"},
           "price": Decimal("18.50"), "sale_price": None, "sku": "LN-204", "stock": 25}
GIFT_CARD = {"handle": "uid-5103004", "title": {"en": "Gift card"}, "price": 25,
             "sale_price": None, "sku": "GC-25", "stock": None}
SWEATER = {
    "handle": "uid-5102301", "title": {"en": "Sweater", "lv": "Džemperis"}, "price": 39,
    "sale_price": None, "sku": "", "stock": None,
    "options": [
        {"option_name": {"en": "Colour"}, "display_style": "colors", "values": [
            {"value_handle": "uid-901", "value_name": {"en": "Blue"}},
            {"value_handle": "uid-902", "value_name": {"en": "Grey"}}]},
        {"option_name": {"en": "Size"}, "display_style": "buttons", "values": [
            {"value_handle": "uid-911", "value_name": {"en": "S"}},
            {"value_handle": "uid-912", "value_name": {"en": "M"}}]},
    ],
    "variants": [
        {"variant_handle": "uid-2050", "option_value_handle1": "uid-901",
         "option_value_handle2": "uid-911", "option_value_handle3": None, "price": 39,
         "sale_price": None, "sku": "SW-200-BL-S", "stock": 4, "picture_handle": None},
        {"variant_handle": "uid-2051", "option_value_handle1": "uid-901",
         "option_value_handle2": "uid-912", "option_value_handle3": None, "price": 39,
         "sale_price": None, "sku": "SW-200-BL-M", "stock": 6, "picture_handle": None},
        {"variant_handle": "uid-2053", "option_value_handle1": "uid-902",
         "option_value_handle2": "uid-912", "option_value_handle3": None,
         "price": Decimal("42.50"), "sale_price": None, "sku": "SW-200-GR-M", "stock": 3,
         "picture_handle": None},
    ],
}
PRODUCTS = [TEA_TOWEL, NAPKINS, GIFT_CARD, SWEATER]


def products() -> list[dict]:
    return copy.deepcopy(PRODUCTS)
