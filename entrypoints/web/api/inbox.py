"""The inbox: a filtered, keyset-paged listing, counts per status, one item, process and retry."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request

from application.commands import ProcessOrder, RetryOrder
from domain.inbox import InboxStatus
from entrypoints.views import item_detail, item_summary
from entrypoints.web.api import blueprint
from entrypoints.web.api.contract import ApiError, endpoint
from entrypoints.web.context import runtime
from entrypoints.web.schemas.inbox import (
    InboxCountsSchema,
    InboxFilterSchema,
    InboxItemDetailSchema,
    InboxItemSchema,
    InboxListQuerySchema,
)

PAGE_HEADERS = {
    "X-Next-Cursor": "the `after` value of the next page; absent on the last page",
    "Link": 'the next page as `<url>; rel="next"`; absent on the last page',
}


@endpoint(blueprint, "/inbox", tag="inbox", query=InboxListQuerySchema(),
          answers={200: InboxItemSchema(many=True)}, headers=PAGE_HEADERS)
def inbox(query):
    """Inbox items, newest first, one page at a time

    Filters: channel, status, days received (Europe/Riga), text in the order id, buyer or
    e-mail. The answer is a list of items (the documented item fields); the next page's cursor
    is in the `X-Next-Cursor` and `Link` headers."""
    with runtime().uow_factory() as uow:
        page = uow.inbox.page(query["query"], query["limit"], after=query["after"])
    headers = {}
    if page.next_cursor:
        following = urlencode({**request.args.to_dict(), "after": page.next_cursor})
        headers = {"X-Next-Cursor": page.next_cursor,
                   "Link": f'<{request.base_url}?{following}>; rel="next"'}
    return [item_summary(i) for i in page.items], 200, headers


@endpoint(blueprint, "/inbox/counts", tag="inbox", query=InboxFilterSchema(),
          answers={200: InboxCountsSchema()})
def inbox_counts(query):
    """How many items per status match the filters"""
    with runtime().uow_factory() as uow:
        counts = uow.inbox.count_by_status(query["query"])
    return {"total": sum(counts.values()),
            "counts": {status.value: counts.get(status, 0) for status in InboxStatus}}


@endpoint(blueprint, "/inbox/<channel_id>/<order_id>", tag="inbox",
          answers={200: InboxItemDetailSchema()}, errors=(404,))
def inbox_item(channel_id: str, order_id: str):
    """One item with its steps, reasons, lines, document and payment"""
    return item_detail(_item(channel_id, order_id))


@endpoint(blueprint, "/inbox/<channel_id>/<order_id>/process", "POST", tag="inbox",
          answers={200: InboxItemDetailSchema()}, errors=(404, 409, 503))
def process(channel_id: str, order_id: str):
    """Process the order now, whatever the channel's switches say

    409: the order cannot go on (e.g. someone else holds it); 503: PayTraq or Mozello is
    unreachable or over its limits — try again later."""
    _item(channel_id, order_id)
    runtime().bus().handle(ProcessOrder(channel_id, order_id, manual=True))
    return item_detail(_item(channel_id, order_id))


@endpoint(blueprint, "/inbox/<channel_id>/<order_id>/retry", "POST", tag="inbox",
          answers={200: InboxItemDetailSchema()}, errors=(404, 409, 503))
def retry(channel_id: str, order_id: str):
    """Retry a failed order"""
    _item(channel_id, order_id)
    runtime().bus().handle(RetryOrder(channel_id, order_id))
    return item_detail(_item(channel_id, order_id))


def _item(channel_id: str, order_id: str):
    with runtime().uow_factory() as uow:
        item = uow.inbox.get(channel_id, order_id)
    if item is None:
        raise ApiError(404, f"no order {order_id!r} in channel {channel_id!r}")
    return item
