"""The inbox listing, on every storage backend: newest first, filtered, keyset-paged, counted."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from application.inbox_listing import Cursor, InboxQuery
from application.ports import ChannelCredentials
from domain.inbox import InboxStatus
from domain.settings import Channel
from tests.unit.storage.examples import T0, full_item

pytestmark = pytest.mark.integration


@pytest.fixture
def uow(backend):
    with backend.new_uow() as setup:
        setup.channels.add(Channel("shop-a", "A"), ChannelCredentials())
        setup.channels.add(Channel("shop-b", "B"), ChannelCredentials())
        setup.commit()
    return backend.new_uow()


def item(channel_id, order_id, minutes, status=InboxStatus.RECEIVED, name="Jānis Bērziņš",
         email="janis@example.lv"):
    made = full_item(channel_id, order_id)
    customer = dataclasses.replace(made.order.customer, name=name, company="", email=email)
    made.order = dataclasses.replace(made.order, customer=customer)
    made.received_at, made.status = T0 + timedelta(minutes=minutes), status
    return made


def store(uow, *items):
    with uow:
        for each in items:
            uow.inbox.add(each)
        uow.commit()


def all_pages(uow, query, limit):
    seen, after = [], None
    while True:
        with uow:
            page = uow.inbox.page(query, limit=limit, after=after)
        seen.append([i.order_id for i in page.items])
        if page.next_cursor is None:
            return seen
        after = Cursor.decode(page.next_cursor)


def test_pages_list_every_item_once_newest_first(uow):
    # Given seven items, two of them received at the same instant
    store(uow, *(item("shop-a", f"M-{n}", n) for n in range(6)), item("shop-b", "M-5", 5))
    # When the inbox is read three items a page
    pages = all_pages(uow, InboxQuery(), limit=3)
    # Then every item comes exactly once, newest first, ties in a stable order
    flat = [order for page in pages for order in page]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert sorted(flat) == sorted(["M-0", "M-1", "M-2", "M-3", "M-4", "M-5", "M-5"])
    assert flat[:2] == ["M-5", "M-5"] and flat[-1] == "M-0"


def test_filters_narrow_by_channel_status_dates_and_text(uow):
    # Given items of two channels, statuses, times and buyers
    store(uow,
          item("shop-a", "M-1", 1, InboxStatus.NEEDS_REVIEW, name="Anna Ozola", email="anna@x.lv"),
          item("shop-a", "M-2", 2, InboxStatus.EMAILED),
          item("shop-b", "M-3", 3, InboxStatus.NEEDS_REVIEW, email="Ozols@Firma.LV"),
          item("shop-b", "100_%", 4))

    def ids(**query):
        with uow:
            return [i.order_id for i in uow.inbox.page(InboxQuery(**query)).items]

    # Then each filter keeps only what it names
    assert ids(channel_id="shop-a") == ["M-2", "M-1"]
    assert ids(status=InboxStatus.NEEDS_REVIEW) == ["M-3", "M-1"]
    assert ids(received_from=T0 + timedelta(minutes=2), received_to=T0 + timedelta(minutes=4)) == [
        "M-3", "M-2"]
    assert ids(text="  OZOL ") == ["M-3", "M-1"]  # buyer name and e-mail, any case
    assert ids(text="m-2") == ["M-2"]
    assert ids(text="_%") == ["100_%"]  # LIKE wildcards are plain characters
    assert ids(text="nobody") == []


def test_counts_per_status_ignore_the_status_filter_but_keep_the_others(uow):
    # Given three items needing review and one e-mailed, one of them in another channel
    store(uow, item("shop-a", "M-1", 1, InboxStatus.NEEDS_REVIEW),
          item("shop-a", "M-2", 2, InboxStatus.NEEDS_REVIEW),
          item("shop-a", "M-3", 3, InboxStatus.EMAILED),
          item("shop-b", "M-4", 4, InboxStatus.NEEDS_REVIEW))
    # When shop-a's items needing review are counted
    with uow:
        counts = uow.inbox.count_by_status(InboxQuery("shop-a", InboxStatus.NEEDS_REVIEW))
    # Then the counts cover every status of shop-a
    assert counts == {InboxStatus.NEEDS_REVIEW: 2, InboxStatus.EMAILED: 1}


def test_a_cursor_that_was_not_made_by_the_service_is_refused():
    with pytest.raises(ValueError):
        Cursor.decode("not a cursor")
    with pytest.raises(ValueError):
        Cursor.decode("2026-01-01T00:00:00|shop|M-1")  # no time zone
    with pytest.raises(ValueError):
        Cursor.decode("0001-01-01T00:00:00+05:00|shop|M-1")  # before any UTC time
