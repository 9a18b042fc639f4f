"""The demo's orders: what a day in a small Mozello shop brings, one case of each kind."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.mozello.sandbox.server import MozelloSandbox

JANIS = {"name": "Jānis Ozols", "email": "janis.ozols@example.com", "phone": "+371 20000002"}
LIGA = {"name": "Līga Kalniņa", "email": "liga.kalnina@example.com", "phone": "+371 20000003"}
MARIS = {"name": "Māris Liepa", "email": "maris.liepa@example.com", "phone": "+371 20000004"}
KRISTAPS = {"name": "Kristaps Bērziņš", "email": "kristaps.berzins@example.com",
            "phone": "+371 20000006"}
INGA = {"name": "Inga Vītola", "email": "inga.vitola@example.com", "phone": "+371 20000005"}


@dataclass(frozen=True)
class DemoOrder:
    scenario: str
    items: list
    customer: dict | None = None
    options: dict = field(default_factory=dict)


DEMO_ORDERS = (
    DemoOrder("matching totals", [("TT-100", 2)], options={"payment_method": "gateway"}),
    # Prices without VAT, VAT rounded per line: 18.50 × 21% = 3.885 → 3.89 and
    # 9.50 × 21% = 1.995 → 2.00, together 5.89; PayTraq rounds 28.00 × 21% = 5.88 once.
    DemoOrder("VAT rounding", [("LN-204", 1), ("WS-01", 1)], JANIS,
              {"tax_mode": "exclusive", "taxes_rounding": "per_line"}),
    DemoOrder("unknown SKU", [("GC-25", 1)], MARIS),
    DemoOrder("unpaid bank transfer", [("TC-140", 1)], INGA,
              {"payment_method": "banktransfer", "paid": False}),
    DemoOrder("variant product", [(("uid-5102301", "uid-2051"), 1)], KRISTAPS,
              {"payment_method": "paypal"}),
    DemoOrder("repeat customer (1st)", [("BC-12", 2)], LIGA, {"payment_method": "gateway"}),
    DemoOrder("repeat customer (2nd)", [("NB-A5", 3), ("BM-1", 2)], LIGA,
              {"payment_method": "gateway", "shipping": "omniva-latvija"}),
)


@dataclass(frozen=True)
class PlacedOrder:
    demo: DemoOrder
    order: dict

    @property
    def order_id(self) -> str:
        return self.order["order_id"]


def place_demo_orders(mozello: MozelloSandbox) -> list[PlacedOrder]:
    """Place every demo order in the Mozello sandbox's storefront, paid unless said otherwise."""
    placed = []
    for demo in DEMO_ORDERS:
        options = {"paid": True, **demo.options}
        placed.append(PlacedOrder(demo, mozello.place_order(demo.items, demo.customer, **options)))
    return placed


def ordered_text(order: dict) -> str:
    """What was ordered, as the shop's cart says it: `2 × Linen tea towel, TT-100`."""
    return "; ".join(f"{line['product_quantity']} × {line['product_name']}"
                     for line in order["cart"])
