"""When the sweeper tries an unfinished order again (issue 13, defects 7 and 9): transient
failures within a minute or two, then less often; a spent daily budget right after its reset,
spending no attempts; orders a dead worker left half-way a minute after their last change."""

from datetime import UTC, datetime, timedelta

from application.errors import DailyBudgetSpent, TransientError
from domain.retry_schedule import next_attempt_at, retry_delay
from tests.unit.builders import order, pipeline, settings

ALL_ON = settings(approve=True, add_payment=True, send_email=True)
MIDNIGHT = datetime(2026, 1, 16, 0, 0, tzinfo=UTC)


def spent() -> DailyBudgetSpent:
    return DailyBudgetSpent("daily API budget of 5000 calls is used up for 2026-01-15 (UTC)",
                            MIDNIGHT)


def test_an_order_that_hits_the_daily_budget_waits_for_the_reset_without_spending_attempts():
    # Given PayTraq's daily budget is used up, and stays so for 30 more tries
    flow = pipeline(ALL_ON)
    for _ in range(31):
        flow.accounting.fail("create_sale", spent())
    flow.receive(order())
    for _ in range(30):
        flow.process("M-1234567-101", manual=False)
    # Then the order waits for the reset, with no attempt spent
    item = flow.item()
    assert (item.status.value, item.attempts) == ("failed", 0)
    assert item.budget_resets_at == MIDNIGHT
    assert next_attempt_at(item, ALL_ON) == MIDNIGHT + timedelta(minutes=1)
    # When the sweeper sends it after the reset, Then it goes through by itself
    flow.process("M-1234567-101", manual=False)
    assert flow.item().status.value == "emailed"


def test_a_transient_failure_is_retried_within_a_minute_or_two_then_less_often():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(12) == timedelta(minutes=15)


def test_a_failed_order_is_tried_again_after_its_backoff_and_gives_up_after_20_attempts():
    flow = pipeline(ALL_ON)
    flow.accounting.fail("create_sale", TransientError("PayTraq did not answer in time"))
    try:
        flow.receive(order())
    except TransientError:
        pass
    item = flow.item()
    assert next_attempt_at(item, ALL_ON) == item.updated_at + timedelta(seconds=30)
    item.attempts = 20
    assert next_attempt_at(item, ALL_ON) is None


def test_an_order_left_half_way_by_a_dead_worker_is_swept_a_minute_after_its_last_change():
    # Given an order whose processing message was lost (automatic processing off when it came)
    flow = pipeline(settings(auto_process=False))
    flow.receive(order())
    item = flow.item()
    # Then on an automatic channel the sweeper sends it a minute after it last changed
    assert next_attempt_at(item, ALL_ON) == item.received_at + timedelta(minutes=1)


def test_orders_waiting_for_a_person_are_never_swept():
    flow = pipeline(ALL_ON)
    flow.receive(order(total="24.25"))  # a totals mismatch: review
    assert next_attempt_at(flow.item(), ALL_ON) is None
