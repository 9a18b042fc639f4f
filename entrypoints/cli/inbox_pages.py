"""Reading the inbox listing for the CLI: keyset pages, each in its own short transaction, up to a
limit or to the end, so a listing costs what it prints and its memory stays flat."""

from __future__ import annotations

from collections.abc import Iterator

from application.inbox_listing import MAX_PAGE, Cursor, InboxQuery
from domain.inbox import InboxItem


class InboxReading:
    """The items matching `query`, newest first, strictly after `after` (a cursor), at most
    `limit` of them (None: every one). Iterate it once; afterwards `more` is the cursor after
    the last item given when further items match (where the next listing starts), else None."""

    def __init__(self, uow_factory, query: InboxQuery, after: Cursor | None = None,
                 limit: int | None = None) -> None:
        self._uow_factory, self._query, self._after, self._limit = uow_factory, query, after, limit
        self.more: str | None = None

    def __iter__(self) -> Iterator[InboxItem]:
        after, left = self._after, self._limit
        while left is None or left > 0:
            with self._uow_factory() as uow:
                size = MAX_PAGE if left is None else min(left, MAX_PAGE)
                page = uow.inbox.page(self._query, size, after)
            yield from page.items
            self.more = page.next_cursor  # the page knows whether anything follows its last item
            if page.next_cursor is None:
                return
            if left is not None:
                left -= len(page.items)
            after = Cursor.decode(page.next_cursor)
