"""Client-side rate limits shared by every thread (in-process) or every process (Redis).

A token bucket: `rate` tokens a second refill up to `burst`; `acquire()` waits for a token.
A daily budget: a counter per UTC day; `DailyBudgetExceeded` when the next call would pass it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from application.errors import DailyBudgetSpent, RateBudgetExhausted


class RateLimiter:
    def acquire(self, timeout: float = 60.0) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class NoRateLimit(RateLimiter):
    def acquire(self, timeout: float = 60.0) -> None:
        return None


class TokenBucket(RateLimiter):
    """In-process token bucket, thread-safe."""

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.rate, self.burst = rate, burst
        self._clock, self._sleep = clock, sleep
        self._tokens = float(burst)
        self._stamp = clock()
        self._lock = threading.Lock()

    def _wait_time(self) -> float:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1:
            self._tokens -= 1
            return 0.0
        return (1 - self._tokens) / self.rate

    def acquire(self, timeout: float = 60.0) -> None:
        deadline = self._clock() + timeout
        while True:
            with self._lock:
                wait = self._wait_time()
            if wait == 0:
                return
            if self._clock() + wait > deadline:
                raise RateBudgetExhausted("rate limit: no request slot within the timeout", wait)
            self._sleep(wait)


_REDIS_BUCKET = """
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', key, 'tokens', 'stamp')
local tokens = tonumber(state[1]) or burst
local stamp = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
-- the later of the two: a process whose clock is behind another's must not move the stamp
-- back, or the next call of the other would be credited that time again (skewed hosts)
redis.call('HSET', key, 'tokens', tokens, 'stamp', math.max(stamp, now))
redis.call('EXPIRE', key, math.ceil(burst / rate) + 60)
return tostring(wait)
"""


class RedisTokenBucket(RateLimiter):
    """The same bucket kept in Redis, so all worker processes share one budget per credential."""

    def __init__(self, redis_client, key: str, rate: float, burst: int,
                 sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], float] = time.time):
        self.redis, self.key, self.rate, self.burst = redis_client, key, rate, burst
        self._script = redis_client.register_script(_REDIS_BUCKET)
        self._sleep, self._now = sleep, now  # `now`: the wall clock every process shares

    def acquire(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            wait = float(self._script(keys=[self.key], args=[self.rate, self.burst, self._now()]))
            if wait == 0:
                return
            if time.monotonic() + wait > deadline:
                raise RateBudgetExhausted("rate limit: no request slot within the timeout", wait)
            self._sleep(wait)


class DailyBudget:
    """At most `limit` calls per UTC day; in-process or in Redis."""

    def __init__(self, limit: int, key: str = "", redis_client=None,
                 today: Callable[[], str] | None = None):
        self.limit, self.key, self.redis = limit, key, redis_client
        self._today = today or (lambda: datetime.now(UTC).strftime("%Y-%m-%d"))
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def spend(self) -> int:
        day = self._today()
        if self.redis is not None:
            redis_key = f"{self.key}:{day}"
            used = int(self.redis.incr(redis_key))
            if used == 1:
                self.redis.expire(redis_key, 2 * 86400)
            if used > self.limit:
                self.redis.decr(redis_key)
                raise self._spent(day)
            return used
        with self._lock:
            used = self._counts.get(day, 0) + 1
            if used > self.limit:
                raise self._spent(day)
            self._counts = {day: used}
            return used

    def _spent(self, day: str) -> DailyBudgetSpent:
        resets_at = datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(days=1)
        return DailyBudgetSpent(
            f"daily API budget of {self.limit} calls is used up for {day} (UTC); work goes on "
            f"by itself after it resets at {resets_at:%Y-%m-%d %H:%M} UTC", resets_at)

    def used(self) -> int:
        day = self._today()
        if self.redis is not None:
            return int(self.redis.get(f"{self.key}:{day}") or 0)
        return self._counts.get(day, 0)
