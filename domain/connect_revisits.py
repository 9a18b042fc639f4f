"""When an order handed to PayTraq Connect is looked for again in PayTraq (over REST), until the
document PayTraq's Sales Inbox makes from it shows — the timing rule beside retry_schedule.py.

Connect answers a delivery with no document id, and PayTraq's inbox may make the document
minutes later (or a person there may process the message by hand). So an item that was sent and
has no document yet is visited again: 2 min after sending, then 10 min, 30 min and 2 h after the
previous visit, then every 6 h, for 3 days; the visit at (or after) 3 days that still finds
nothing is the last, and the item then waits for a person with the reason. Each visit is one
PayTraq call, never a second delivery. The visits are steps of the item, so a restart does not
start the backoff again, and the next visit's time is a stored column the sweeper's query finds
by index (adapters/storage/owed_work_sql.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.inbox import CONNECT_LOOKED_UP, InboxItem

FIRST_DELAYS = (timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30),
                timedelta(hours=2))
THEN_EVERY = timedelta(hours=6)
GIVE_UP_AFTER = timedelta(days=3)
QUERY, LISTING = "query", "listing"  # the one call of a visit: `sales?query=` | a day's listing


def visits(item: InboxItem) -> list[datetime]:
    """When the item was looked for after sending (not counting the read-back at sending)."""
    return [step.at for step in item.steps if step.name == CONNECT_LOOKED_UP]


def delay_before_visit(number: int) -> timedelta:
    """How long after the previous visit (or the sending, for visit 1) visit `number` comes."""
    return FIRST_DELAYS[number - 1] if number <= len(FIRST_DELAYS) else THEN_EVERY


def next_revisit_at(item: InboxItem) -> datetime | None:
    """When the item is to be looked for next; None: it is not (anymore)."""
    sent_at = item.sent_at
    if sent_at is None or not item.awaits_connect_document:
        return None
    done = visits(item)
    deadline = sent_at + GIVE_UP_AFTER
    last = done[-1] if done else sent_at
    if done and last >= deadline:
        return None  # that visit was the last one
    return min(last + delay_before_visit(len(done) + 1), deadline)


def revisit_due(item: InboxItem, now: datetime) -> bool:
    due = next_revisit_at(item)
    return due is not None and due <= now


def is_last_visit(item: InboxItem, now: datetime) -> bool:
    """A visit now that finds nothing is the last: the item then waits for a person."""
    sent_at = item.sent_at
    return sent_at is not None and now >= sent_at + GIVE_UP_AFTER


def lookup_for_visit(number: int) -> str:
    """Odd visits ask `sales?query=` for the DocumentRef; even visits read one page of the sales
    dated on the order's date, matched on DocumentRef — whether `query` matches DocumentRef at
    all is unconfirmed (DECISIONS R4), so neither way alone is relied on."""
    return QUERY if number % 2 == 1 else LISTING
