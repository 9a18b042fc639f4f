"""The sandboxes as any process drives them: over HTTP, through the Mozello storefront and the
sandbox-only fault controls (never by reaching into their memory)."""

from __future__ import annotations

import random
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

SKUS = ("NB-A5", "BM-1")


@dataclass
class Controls:
    mozello: str  # the Mozello sandbox's root URL (…/)
    paytraq: str  # the PayTraq sandbox's root URL (…/)
    mozello_key: str

    @classmethod
    def of(cls, deployment) -> Controls:
        return cls(deployment.mozello.base_url.removesuffix("v1/"),
                   deployment.paytraq.base_url.removesuffix("api/"), deployment.mozello.api_key)

    # --- Mozello ---------------------------------------------------------------------------
    def stock_up(self) -> None:
        """Enough stock of the SKUs the scenarios sell (through Mozello's own Store API)."""
        headers = {"Authorization": f"ApiKey {self.mozello_key}"}
        products = requests.get(f"{self.mozello}v1/store/products/", headers=headers,
                                timeout=10).json()["products"]
        for product in products:
            if product.get("sku") in SKUS:
                requests.put(f"{self.mozello}v1/store/product/{product['handle']}/",
                             json={"product": {"stock": 1_000_000}}, headers=headers,
                             timeout=10).raise_for_status()

    def place(self, email: str, paid: bool = True) -> str:
        body = {"items": [[random.choice(SKUS), random.randint(1, 3)]], "paid": paid,
                "payment_method": "gateway", "customer": {"email": email, "name": email}}
        answer = requests.post(f"{self.mozello}sandbox/orders/", json=body, timeout=30)
        if not answer.ok:
            raise RuntimeError(f"the Mozello sandbox refused an order: {answer.text}")
        return answer.json()["order"]["order_id"]

    def place_many(self, buyers: list[str], threads: int = 8) -> list[str]:
        """One order per entry, `threads` at a time: a buyer listed twice in a row orders twice
        in the same second."""
        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(self.place, buyers))

    def webhooks(self, **policy) -> None:
        requests.put(f"{self.mozello}sandbox/webhooks/", json=policy, timeout=10).raise_for_status()

    def webhook_report(self) -> dict:
        return requests.get(f"{self.mozello}sandbox/webhooks/", timeout=10).json()

    # --- PayTraq ---------------------------------------------------------------------------
    def paytraq_faults(self, rate: float, seconds: float = 1.0, seed: int = 13) -> None:
        requests.put(f"{self.paytraq}sandbox/faults/random", timeout=10,
                     json={"rate": rate, "seconds": seconds, "seed": seed}).raise_for_status()

    def paytraq_report(self) -> dict:
        return requests.get(f"{self.paytraq}sandbox/faults", timeout=10).json()

    def no_paytraq_faults(self) -> None:
        requests.delete(f"{self.paytraq}sandbox/faults", timeout=10).raise_for_status()


def buyers_for(scenario: str, orders: int, repeat_share: float = 0.2) -> list[str]:
    """`orders` buyer e-mails; `repeat_share` of the orders are a buyer's second order, placed
    right after the first (the same second)."""
    emails: list[str] = []
    n, scenario = 0, re.sub(r"[^a-z0-9]+", "-", scenario.lower()).strip("-")
    while len(emails) < orders:
        email = f"{scenario}-{n}@example.com"
        n += 1
        twice = random.random() < repeat_share / (1 - repeat_share / 2) and len(emails) + 2 <= orders
        emails += [email, email] if twice else [email]
    return emails


def fives(report_before: dict, report_after: dict) -> int:
    """Webhook answers of 5xx between two reports of the Mozello sandbox."""
    def count(report):
        return sum(n for status, n in report.get("by_status", {}).items()
                   if status.isdigit() and int(status) >= 500)
    return count(report_after) - count(report_before)
