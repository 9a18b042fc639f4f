"""PayTraq's limits per credential pair (P12): about 1 request a second with a burst of 5, and
5,000 a day — shared by every client and thread of the process (with Redis: of all processes)."""

from __future__ import annotations

import hashlib
import threading

from adapters.ratelimit import DailyBudget, TokenBucket

DAILY_LIMIT = 5000  # P12
RATE, BURST = 1.0, 5  # P12


def credential_hash(api_key: str) -> str:
    """A stable, non-reversible name for a credential pair (Redis keys never hold the key)."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:24]


_buckets: dict[str, TokenBucket] = {}
_budgets: dict[str, DailyBudget] = {}
_buckets_lock = threading.Lock()


def shared_bucket(name: str, rate: float, burst: int) -> TokenBucket:
    """One in-process bucket per credential pair, shared by every client and thread using it."""
    with _buckets_lock:
        bucket = _buckets.get(name)
        if bucket is None or (bucket.rate, bucket.burst) != (rate, burst):
            bucket = _buckets[name] = TokenBucket(rate, burst)
        return bucket


def shared_budget(name: str, limit: int) -> DailyBudget:
    """One in-process daily counter per credential pair (with Redis: one for all processes)."""
    with _buckets_lock:
        budget = _budgets.get(name)
        if budget is None or budget.limit != limit:
            budget = _budgets[name] = DailyBudget(limit, f"paytraq:budget:{name}")
        return budget
