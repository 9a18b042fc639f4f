"""What several processes share through Redis — the PayTraq request bucket, the daily budget,
and the scheduler's leadership — checked fast on fakeredis (real Redis: tests/integration)."""

import fakeredis
import pytest

from adapters.ratelimit import DailyBudget, RedisTokenBucket
from application.errors import RateBudgetExhausted
from entrypoints.worker.scheduler import LeaderLock


@pytest.fixture
def redis_client():
    return fakeredis.FakeRedis()


def test_two_processes_share_one_burst(redis_client):
    # Given two workers' buckets for the same PayTraq company (burst 5, 1 request a second),
    # their clock standing still: a slow machine must not refill a token between the requests
    waits: list[float] = []
    at = lambda: 1_800_000_000.0  # noqa: E731
    first = RedisTokenBucket(redis_client, "paytraq:bucket:x", rate=1.0, burst=5,
                             sleep=waits.append, now=at)
    second = RedisTokenBucket(redis_client, "paytraq:bucket:x", rate=1.0, burst=5,
                              sleep=waits.append, now=at)
    # When together they send six requests at once
    for bucket in (first, second, first, second, first):
        bucket.acquire(timeout=0.1)
    # Then the sixth has to wait about a second for its token
    with pytest.raises(RateBudgetExhausted):
        second.acquire(timeout=0.1)
    assert waits == []


def test_processes_whose_clocks_disagree_never_share_more_than_the_burst(redis_client):
    # Given two workers on hosts whose clocks are a second apart, no time passing on either
    # (burst 2, 1 request a second)
    ahead = RedisTokenBucket(redis_client, "paytraq:bucket:y", rate=1.0, burst=2,
                             sleep=lambda _: None, now=lambda: 1_800_000_001.0)
    behind = RedisTokenBucket(redis_client, "paytraq:bucket:y", rate=1.0, burst=2,
                              sleep=lambda _: None, now=lambda: 1_800_000_000.0)
    # When they take turns asking for a request slot
    granted = 0
    for bucket in (ahead, behind) * 6:
        try:
            bucket.acquire(timeout=0.01)
            granted += 1
        except RateBudgetExhausted:
            pass
    # Then together they got the burst and no more: the clock behind never hands the one
    # ahead its second again (PayTraq would answer 429, or count them against the day)
    assert granted == 2


def test_the_daily_budget_is_counted_across_processes(redis_client):
    day = lambda: "2026-11-27"  # noqa: E731
    one = DailyBudget(3, "paytraq:budget:x", redis_client, today=day)
    two = DailyBudget(3, "paytraq:budget:x", redis_client, today=day)
    one.spend(), two.spend(), one.spend()
    with pytest.raises(RateBudgetExhausted, match="daily API budget of 3 calls"):
        two.spend()
    assert one.used() == 3
    tomorrow = DailyBudget(3, "paytraq:budget:x", redis_client, today=lambda: "2026-11-28")
    assert tomorrow.spend() == 1


def test_one_scheduler_leads_and_another_takes_over_when_it_stops(redis_client):
    leader, standby = LeaderLock(redis_client, ttl=30), LeaderLock(redis_client, ttl=30)
    assert leader.hold() is True
    assert standby.hold() is False
    assert leader.hold() is True  # renews its own lease
    leader.release()
    assert standby.hold() is True
    assert leader.hold() is False
