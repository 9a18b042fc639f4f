"""When an order that still owes a step should be tried again: the sweeper's one rule.

- a transient failure: soon, then less often (30 s, 1, 2, 4, 8, 15 min...), up to 20 attempts;
- waiting for the API's daily budget: right after the budget resets, spending no attempt;
- no failure, yet unfinished a minute after its last change (a killed worker, a message lost
  in a Redis restart): at once.
Review and permanent failures wait for a person: never. An order sent to PayTraq Connect whose
document has not shown yet is looked for on its own schedule (domain/connect_revisits.py).

The sweeper reads only the candidates (domain/owed_work.py, answered by a query): items that
may owe a step and were last changed at least SOONEST ago — no item is due sooner after its
last change. This rule then decides each of them."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.connect_revisits import next_revisit_at
from domain.inbox import InboxItem, InboxStatus
from domain.settings import ChannelSettings

STALE_AFTER = timedelta(minutes=1)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
MAX_ATTEMPTS = 20
AFTER_RESET = timedelta(minutes=1)  # PayTraq's clock and ours may differ by a few seconds
SOONEST = min(STALE_AFTER, FIRST_RETRY)  # after its last change, no item is due before this


def retry_delay(attempts: int) -> timedelta:
    """How long after its last failure an order that failed `attempts` times is tried again."""
    return min(LONGEST_WAIT, FIRST_RETRY * 2 ** min(10, max(0, attempts - 1)))


def next_attempt_at(item: InboxItem, settings: ChannelSettings,
                    reads_back: bool = False) -> datetime | None:
    """When the sweeper should send the order to the workers again; None: not by itself.
    `reads_back`: the channel has REST credentials to look for a Connect order's document."""
    revisit = next_revisit_at(item) if reads_back else None
    if revisit is not None:
        return revisit
    if not item.awaits_work(settings):
        return None
    since = item.updated_at or item.received_at
    resets_at = item.budget_resets_at
    if resets_at is not None:
        return max(resets_at + AFTER_RESET, since + SOONEST)
    if item.status is InboxStatus.FAILED:
        return since + retry_delay(item.attempts) if item.attempts < MAX_ATTEMPTS else None
    return since + STALE_AFTER


def due_now(item: InboxItem, settings: ChannelSettings, now: datetime,
            reads_back: bool = False) -> bool:
    """Whether the sweeper sends the order now."""
    due = next_attempt_at(item, settings, reads_back)
    return due is not None and due <= now


def untouched_since(now: datetime) -> datetime:
    """The candidates' bound for the sweeper's query: an item changed later is not due yet."""
    return now - SOONEST
