"""The inbox listing over items held in memory: the same answers as the SQL query."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from application.inbox_listing import MAX_PAGE, Cursor, InboxPage, InboxQuery, sort_key
from domain.inbox import InboxItem, InboxStatus
from domain.owed_work import OwedWork


def page_of(items: Iterable[InboxItem], query: InboxQuery, limit: int,
            after: Cursor | None) -> InboxPage:
    limit = max(1, min(limit, MAX_PAGE))
    wanted = sorted((i for i in items if query.matches(i)), key=sort_key, reverse=True)
    if after is not None:
        wanted = [i for i in wanted if sort_key(i) < after.sort_key()]
    page = wanted[:limit]
    more = len(wanted) > limit
    return InboxPage(page, Cursor.after_item(page[-1]).encode() if more else None)


def counts_of(items: Iterable[InboxItem], query: InboxQuery) -> dict[InboxStatus, int]:
    everything = query.without_status()
    return dict(Counter(i.status for i in items if everything.matches(i)))


def counts_by_channel_of(items: Iterable[InboxItem]) -> dict[tuple[str, InboxStatus], int]:
    return dict(Counter((i.channel_id, i.status) for i in items))


def awaiting_of(items: Iterable[InboxItem], channel_id: str, owed: OwedWork,
                touched_before: datetime, progress_since: datetime | None) -> list[InboxItem]:
    def last_change(item: InboxItem) -> datetime:
        return item.updated_at or item.received_at

    def recent_enough(item: InboxItem) -> bool:
        return (progress_since is None or item.status not in owed.progress
                or last_change(item) >= progress_since)

    wanted = [i for i in items if i.channel_id == channel_id and owed.admits(i)
              and last_change(i) < touched_before and recent_enough(i)]
    return sorted(wanted, key=last_change)
