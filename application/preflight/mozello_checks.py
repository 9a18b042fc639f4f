"""Read-only checks of a channel's Mozello shop: the key, the notifications, the listing the
catch-up poll uses, and the catalogue the stock sync writes to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import islice

from application.ports import ShopPort
from application.preflight.report import CheckLine, Result, probe

OK, WARNING, FAILED = Result.OK, Result.WARNING, Result.FAILED
ORDER_EVENTS = ("ORDER_CREATED", "PAYMENT_CHANGED", "ORDER_DELETED")


class MozelloChecks:
    def __init__(self, shop: ShopPort, webhook_url: str | None, now: datetime):
        self.shop, self.webhook_url, self.now = shop, webhook_url, now

    def run(self) -> list[CheckLine]:
        key = probe("Mozello: API key", self.key)
        if key.result is FAILED:
            return [key]
        return [
            key,
            probe("Mozello: notifications to this service", self.notifications),
            probe("Mozello: orders listing as the catch-up poll asks", self.orders_listing,
                  action="orders whose notification is lost are never caught up"),
            probe("Mozello: products and variants", self.products,
                  action="the stock sync cannot run"),
        ]

    def key(self) -> CheckLine:
        self.shop.validate_key()
        return CheckLine("Mozello: API key", OK, "accepted")

    def notifications(self) -> CheckLine:
        name = "Mozello: notifications to this service"
        url, events = self.shop.get_notifications()
        missing = [event for event in ORDER_EVENTS if event not in events]
        if self.webhook_url and url != self.webhook_url:
            return CheckLine(name, FAILED, f"Mozello notifies {url or 'nobody'}, not "
                             f"{self.webhook_url}",
                             "orders arrive only through the catch-up poll: re-create the "
                             "channel or set the URL in Mozello")
        if missing:
            return CheckLine(name, FAILED, f"not registered for {', '.join(missing)}",
                             "those changes arrive only through the catch-up poll")
        return CheckLine(name, OK, f"{url} for {', '.join(sorted(events))}")

    def orders_listing(self) -> CheckLine:
        orders = list(islice(self.shop.orders_created_since(self.now - timedelta(days=1)), 100))
        return CheckLine("Mozello: orders listing as the catch-up poll asks", OK,
                         f"filter created_at>=(a day ago) accepted: {len(orders)} orders")

    def products(self) -> CheckLine:
        products = list(islice(self.shop.list_products(), 500))
        with_variants = sum(1 for p in products if p.variants)
        no_sku = _without_sku(products)
        detail = (f"{len(products)} products read, {with_variants} with variants"
                  + (f", {no_sku} without SKU" if no_sku else ""))
        if no_sku:
            return CheckLine("Mozello: products and variants", WARNING, detail,
                             "products and variants without a SKU are left alone by the stock "
                             "sync", needed=False)
        return CheckLine("Mozello: products and variants", OK, detail)


def _without_sku(products: Iterable) -> int:
    count = 0
    for product in products:
        if product.variants:
            count += sum(1 for v in product.variants if not v.sku)
        elif not product.sku:
            count += 1
    return count
