"""The inbox listing over items held in memory: the same answers as the SQL query."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from application.inbox_listing import MAX_PAGE, Cursor, InboxPage, InboxQuery, sort_key
from domain.inbox import InboxItem, InboxStatus


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
