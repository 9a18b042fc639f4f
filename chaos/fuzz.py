"""Fuzzed webhooks: wrong or missing signatures, truncated, oversized, deep, wrong types, absurd
values, not JSON at all. Whatever arrives, Sales Inbox answers below 500 and keeps every signed
body (an unsigned one only as a trace)."""

from __future__ import annotations

import json
import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from adapters.mozello.signature import sign

OVERSIZED = 2 * 1024 * 1024 + 10  # over the web app's 2 MB limit


def _order(n: int) -> dict:
    return {"event": "ORDER_CREATED", "order": {
        "order_id": f"FUZZ-{n}", "created_at": "2026-02-01 10:00:00", "payment_status": "paid",
        "payment_method": "gateway", "email": f"fuzz{n}@example.com", "name": "Fuzz",
        "currency": "EUR", "subtotal": "4.00", "total": "4.00",
        "cart": [{"product_sku": "NB-A5", "product_price": "4.00", "product_quantity": 1}]}}


def _absurd(body: dict, rng: random.Random) -> bytes:
    order, line = body["order"], body["order"]["cart"][0]
    choice = rng.randrange(8)
    if choice == 0:
        return json.dumps(body).replace('"product_quantity": 1', '"product_quantity": 1e400').encode()
    if choice == 1:
        line["product_price"] = "1e40"
    elif choice == 2:
        order["total"] = "-24.20"
        line["product_price"] = "-24.20"
    elif choice == 3:
        order["currency"] = "XYZ"
    elif choice == 4:
        line["product_quantity"] = -1
    elif choice == 5:
        order["total"] = "1e30"
    elif choice == 6:
        order["created_at"] = "yesterday"
    else:
        order["order_id"] = ""
    return json.dumps(body).encode()


def _wrong_types(body: dict, rng: random.Random) -> bytes:
    target, key, value = rng.choice([
        (body, "order", 5), (body, "event", 7), (body["order"], "cart", "x"),
        (body["order"], "total", []), (body["order"], "customer", {"a": [1, 2]}),
        (body["order"]["cart"][0], "product_quantity", {"n": 1}),
        (body["order"], "payment_status", True), (body["order"], "email", 12.5),
    ])
    target[key] = value
    return json.dumps(body).encode()


def fuzzed_body(n: int, rng: random.Random, oversized_share: float) -> tuple[bytes, str]:
    """A body and how its signature should be: 'good', 'bad' or 'none'."""
    base = _order(n)
    kind = rng.randrange(9)
    if kind == 0:
        return json.dumps(base).encode(), "none"
    if kind == 1:
        return json.dumps(base).encode(), "bad"
    if kind == 2:
        text = json.dumps(base).encode()
        return text[: rng.randrange(1, len(text) - 1)], "good"
    if kind == 3 and rng.random() < oversized_share * 9:
        return b'{"event":"ORDER_CREATED","pad":"' + b"x" * OVERSIZED + b'"}', "good"
    if kind == 4:
        depth = rng.choice([1_000, 5_000, 100_000])
        return b'{"event":"ORDER_CREATED","order":' + b"[" * depth + b"]" * depth + b"}", "good"
    if kind == 5:
        return _wrong_types(base, rng), "good"
    if kind == 6:
        return _absurd(base, rng), "good"
    if kind == 7:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300))), "good"
    return json.dumps({"event": "ORDER_CREATED", "order": {"order_id": f"FUZZ-{n}"}}).encode(), "bad"


def send_fuzz(webhook_url: str, key: str, count: int, seed: int = 7,
              oversized_share: float = 0.002, threads: int = 8) -> Counter:
    """Post `count` fuzzed webhooks; answers by status code."""
    rng = random.Random(seed)
    bodies = [fuzzed_body(n, rng, oversized_share) for n in range(count)]

    def post(item: tuple[bytes, str]) -> int:
        body, signature = item
        headers = {"Content-Type": "application/json"}
        if signature == "good":
            headers["X-Mozello-Hash"] = sign(body, key)
        elif signature == "bad":
            headers["X-Mozello-Hash"] = sign(body + b" ", key)
        try:
            return requests.post(webhook_url, data=body, headers=headers, timeout=60).status_code
        except requests.RequestException:
            return 599  # no answer at all counts as a server failure

    with ThreadPoolExecutor(threads) as pool:
        return Counter(pool.map(post, bodies))
