"""The sweeper re-enqueues what a dead worker left half-way — and nothing a person, a finished
order or a just-started worker is handling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.memory.clock import SteppingClock
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.ports import ChannelCredentials
from domain.inbox import InboxItem, InboxStatus
from domain.retry_schedule import MAX_ATTEMPTS
from domain.settings import Channel, ChannelSettings
from entrypoints.config import load_config
from entrypoints.runtime import Runtime
from entrypoints.worker.scheduler import Jobs
from tests.unit.builders import order

NOW = datetime(2026, 2, 2, 12, 0, tzinfo=UTC)
S = InboxStatus


def sweeper(*items: InboxItem, settings: ChannelSettings | None = None) -> tuple[Jobs, list]:
    store = MemoryStore()
    uow = InMemoryUnitOfWork(store)
    with uow:
        uow.channels.add(Channel("shop", "Shop", settings or ChannelSettings(
            auto_process=True, approve=True, add_payment=True, send_email=True)),
            ChannelCredentials())
        for item in items:
            uow.inbox.add(item)
        uow.commit()
    runtime = Runtime(load_config({}), lambda: InMemoryUnitOfWork(store), gateways=None,
                      clock=SteppingClock(NOW, timedelta(0)))
    sent: list[str] = []
    return Jobs(runtime, send_process=lambda c, o: sent.append(o), send_poll=lambda c: None), sent


def left(order_id: str, status: InboxStatus, minutes_ago: int, **fields) -> InboxItem:
    at = NOW - timedelta(minutes=minutes_ago)
    item = InboxItem("shop", order_id, order(order_id=order_id), received_at=at, status=status,
                     updated_at=at)
    for name, value in fields.items():
        setattr(item, name, value)
    return item


def test_an_order_left_half_way_is_sent_again_and_a_fresh_one_is_not():
    # Given a paid order received 10 minutes ago and another received just now
    jobs, sent = sweeper(left("M-old", S.RECEIVED, 10), left("M-new", S.RECEIVED, 0))
    # When the sweeper ticks
    jobs.sweep()
    # Then only the order nobody touched for a minute (domain/retry_schedule.py) is sent again
    assert sent == ["M-old"]


def test_orders_waiting_for_a_person_or_finished_are_left_alone():
    jobs, sent = sweeper(left("M-review", S.NEEDS_REVIEW, 60), left("M-cancelled", S.CANCELLED, 60),
                         left("M-failed", S.FAILED, 60, error="refused", error_transient=False))
    jobs.sweep()
    assert sent == []


def test_a_transient_failure_is_retried_after_its_backoff_until_its_attempts_run_out():
    # Given transient failures 10 and 20 minutes old, each after 12 attempts (the next one
    # 15 minutes after the last), and one that has used up its attempts
    jobs, sent = sweeper(
        left("M-10", S.FAILED, 10, error_transient=True, attempts=12),
        left("M-20", S.FAILED, 20, error_transient=True, attempts=12),
        left("M-worn", S.FAILED, 60, error_transient=True, attempts=MAX_ATTEMPTS))
    # When the sweeper ticks, Then only the one failed 20 minutes ago is retried
    jobs.sweep()
    assert sent == ["M-20"]


def test_after_its_first_tick_the_sweeper_leaves_a_half_way_item_older_than_its_lookback():
    # Given a document created 8 days ago and never approved (approve on)
    jobs, sent = sweeper(left("M-old", S.DOCUMENT_CREATED, 8 * 24 * 60))
    # When the scheduler's first tick runs, Then it is recovered (an outage may have stopped it)
    jobs.sweep()
    assert sent == ["M-old"]
    # And a later tick looks back SWEEP_LOOKBACK only: a worker dies in minutes, not days
    jobs.sweep()
    assert sent == ["M-old"]


def test_an_order_waiting_for_the_daily_budget_is_sent_only_after_the_reset():
    # Given an order that hit PayTraq's daily budget an hour ago, the budget resetting in an
    # hour, and another whose budget reset two minutes ago
    waiting = left("M-waits", S.FAILED, 60)
    waiting.wait_for_budget("daily budget used up", NOW + timedelta(hours=1), waiting.updated_at)
    reset = left("M-reset", S.FAILED, 60)
    reset.wait_for_budget("daily budget used up", NOW - timedelta(minutes=2), reset.updated_at)
    jobs, sent = sweeper(waiting, reset)
    # When the sweeper ticks, Then only the one whose budget has reset goes on
    jobs.sweep()
    assert sent == ["M-reset"]


def restarted(jobs: Jobs, after: timedelta) -> Jobs:
    """A new scheduler over the same store, started `after` the first one's last tick."""
    runtime = jobs.runtime
    later = Runtime(runtime.config, runtime.uow_factory, gateways=None,
                    clock=SteppingClock(NOW + after, timedelta(0)))
    return Jobs(later, send_process=jobs.send_process, send_poll=jobs.send_poll)


def swept_then_stuck() -> tuple[Jobs, list]:
    """A scheduler that swept at NOW, and an item left half-way a day later (M-stuck)."""
    jobs, sent = sweeper()
    jobs.sweep()
    with jobs.runtime.uow_factory() as uow:
        item = left("M-stuck", S.DOCUMENT_CREATED, 0)
        item.received_at = item.updated_at = NOW + timedelta(days=1)
        uow.inbox.add(item)
        uow.commit()
    return jobs, sent


def test_a_restarted_scheduler_reads_no_further_back_than_a_tick_does():
    # Given a scheduler that swept (and recovered an 8-day-old item), then stopped
    jobs, sent = sweeper(left("M-old", S.DOCUMENT_CREATED, 8 * 24 * 60))
    jobs.sweep()
    assert sent == ["M-old"]
    # When another starts an hour later, Then its first tick looks back SWEEP_LOOKBACK from
    # that last sweep: the old item is not read (nor sent) again
    restarted(jobs, timedelta(hours=1)).sweep()
    assert sent == ["M-old"]


def test_after_an_outage_the_first_tick_looks_back_from_the_last_sweep_before_it():
    # Given a scheduler that last swept before a 10-day outage, and an item half-way through
    # that was last touched 9 days before the restart (a day after that sweep)
    jobs, sent = swept_then_stuck()
    # When a scheduler starts again, Then its first tick recovers it
    restarted(jobs, timedelta(days=10)).sweep()
    assert sent == ["M-stuck"]


def test_a_first_tick_whose_sending_fails_looks_as_far_back_on_the_next_one():
    # Given a scheduler that last swept before a 10-day outage, and an item left half-way
    # 9 days before the restart
    jobs, sent = swept_then_stuck()
    after = restarted(jobs, timedelta(days=10))
    # When the restarted scheduler's first tick cannot send (Redis is down)
    after.send_process = lambda c, o: (_ for _ in ()).throw(ConnectionError("Redis is down"))
    try:
        after.sweep()
    except ConnectionError:
        pass
    # Then its next tick still looks back from the sweep before the outage, and sends it
    after.send_process = lambda c, o: sent.append(o)
    after.sweep()
    assert sent == ["M-stuck"]


def test_a_scheduler_whose_ticks_failed_for_days_still_recovers_what_they_missed():
    # Given a running scheduler that swept once, then whose ticks all failed for 10 days
    jobs, sent = swept_then_stuck()
    # When its ticks work again, 10 days later (the same process)
    jobs.runtime.clock = SteppingClock(NOW + timedelta(days=10), timedelta(0))
    jobs.sweep()
    # Then the item left half-way 9 days ago is sent
    assert sent == ["M-stuck"]
