"""What keeps the inbox's periodic readers flat as it grows, on every storage backend: /metrics
counts with one GROUP BY, and the sweeper reads only the items that may still owe a step."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from application.ports import ChannelCredentials
from domain.connect_revisits import revisit_due
from domain.inbox import DocumentRecord, InboxStatus, PaymentRecord
from domain.orders import PaymentStatus
from domain.owed_work import OwedWork
from domain.retry_schedule import SOONEST
from domain.review import ReasonCode, ReviewReason
from domain.settings import Channel, ChannelSettings, PayTraqTransport, Trigger
from tests.unit.storage.examples import T0, full_item

pytestmark = pytest.mark.integration

S = InboxStatus
EVERYTHING = ChannelSettings(auto_process=True, approve=True, add_payment=True, send_email=True)


@pytest.fixture
def uow(backend):
    with backend.new_uow() as setup:
        setup.channels.add(Channel("shop-a", "A", EVERYTHING), ChannelCredentials())
        setup.channels.add(Channel("shop-b", "B", EVERYTHING), ChannelCredentials())
        setup.commit()
    return backend.new_uow()


def item(channel_id, order_id, status, minutes=0, *, done=False, paid=True, transient=False,
         order_paid=True):
    made = full_item(channel_id, order_id)
    made.error_transient = transient
    made.order = replace(made.order, payment_status=PaymentStatus.PAID if order_paid
                         else PaymentStatus.PENDING)
    made.status, made.received_at, made.updated_at = status, T0, T0 + timedelta(minutes=minutes)
    made.finalised_at = made.emailed_at = (T0 if done else None)
    made.payment = PaymentRecord(Decimal("1.00"), "5011", True, T0) if paid and done else None
    return made


def store(uow, *items):
    with uow:
        for each in items:
            uow.inbox.add(each)
        uow.commit()


def test_items_are_counted_by_channel_and_status(uow):
    # Given items of two channels in several statuses
    store(uow, item("shop-a", "M-1", S.EMAILED), item("shop-a", "M-2", S.EMAILED),
          item("shop-a", "M-3", S.FAILED), item("shop-b", "M-1", S.EMAILED))
    # When counted for /metrics
    with uow:
        counts = uow.inbox.count_by_channel_and_status()
    # Then each (channel, status) has its number
    assert counts == {("shop-a", S.EMAILED): 2, ("shop-a", S.FAILED): 1, ("shop-b", S.EMAILED): 1}


def test_the_sweeper_reads_only_items_that_may_owe_a_step_and_were_left_long_enough(uow):
    # Given finished items, items still owing a step (old and just touched), a transient and a
    # permanent failure, and items waiting for a person
    store(uow,
          item("shop-a", "done", S.EMAILED, done=True),
          item("shop-a", "no-payment", S.EMAILED, done=True, paid=False),
          item("shop-a", "not-approved", S.DOCUMENT_CREATED),
          item("shop-a", "received", S.RECEIVED),
          item("shop-a", "unpaid", S.RECEIVED, order_paid=False),
          item("shop-a", "failed", S.FAILED, transient=True),
          item("shop-a", "refused", S.FAILED),
          item("shop-a", "review", S.NEEDS_REVIEW),
          item("shop-a", "cancelled", S.CANCELLED),
          item("shop-a", "just-touched", S.DOCUMENT_CREATED, minutes=10),
          item("shop-b", "other-shop", S.RECEIVED))
    # When the sweeper asks for shop-a's items last changed more than 5 minutes before now
    with uow:
        found = uow.inbox.awaiting_work("shop-a", OwedWork.of(EVERYTHING), T0 + timedelta(minutes=5))
    # Then it gets exactly the ones that may owe a step, left alone long enough
    assert sorted(i.order_id for i in found) == ["failed", "no-payment", "not-approved", "received"]


@pytest.mark.parametrize(("trigger", "overrides", "selected"), [
    (Trigger.PAID, (), ["paid-card"]),
    (Trigger.RECEIVED, (), ["paid-card", "unpaid-card", "unpaid-transfer"]),
    (Trigger.PAID, (("banktransfer", Trigger.RECEIVED),), ["paid-card", "unpaid-transfer"]),
    (Trigger.RECEIVED, (("banktransfer", Trigger.PAID),), ["paid-card", "unpaid-card"]),
])
def test_received_orders_are_read_only_once_their_trigger_releases_them(uow, trigger, overrides,
                                                                         selected):
    # Given a paid and an unpaid card order, and an unpaid bank transfer
    transfer = item("shop-a", "unpaid-transfer", S.RECEIVED, order_paid=False)
    transfer.order = replace(transfer.order, payment_method="banktransfer")
    card = [item("shop-a", "paid-card", S.RECEIVED),
            item("shop-a", "unpaid-card", S.RECEIVED, order_paid=False)]
    for each in card:
        each.order = replace(each.order, payment_method="gateway")
    store(uow, *card, transfer)
    # When the sweeper asks under these triggers, Then it reads the released orders only
    settings = ChannelSettings(auto_process=True, trigger=trigger, trigger_overrides=overrides)
    with uow:
        found = uow.inbox.awaiting_work("shop-a", OwedWork.of(settings), T0 + timedelta(hours=1))
    assert sorted(i.order_id for i in found) == selected


def test_a_channel_that_only_creates_documents_owes_nothing_to_its_created_documents(uow):
    # Given a channel without approve, payment or e-mail, and a document created long ago
    settings = ChannelSettings(auto_process=True)
    store(uow, item("shop-a", "created", S.DOCUMENT_CREATED), item("shop-a", "new", S.RECEIVED))
    # When the sweeper asks, Then only the order without a document is read
    with uow:
        found = uow.inbox.awaiting_work("shop-a", OwedWork.of(settings), T0 + timedelta(hours=1))
    assert [i.order_id for i in found] == ["new"]


def test_items_half_way_are_read_only_if_their_last_step_is_recent_enough_when_asked(uow):
    # Given two documents not yet approved, one created at T0 and one a day later
    store(uow, item("shop-a", "old", S.DOCUMENT_CREATED),
          item("shop-a", "recent", S.DOCUMENT_CREATED, minutes=24 * 60),
          item("shop-a", "received", S.RECEIVED))
    # When the sweeper asks for progress changed in the last 12 hours before T0 + 2 days
    with uow:
        found = uow.inbox.awaiting_work("shop-a", OwedWork.of(EVERYTHING),
                                        T0 + timedelta(days=2), T0 + timedelta(hours=12))
    # Then the old half-way item is left out; received orders are not limited by it
    assert sorted(i.order_id for i in found) == ["received", "recent"]


def test_connect_orders_are_read_for_a_visit_only_when_it_is_due(uow):
    # Given, on a Connect channel, orders sent 3 minutes and 1 minute before T0 + 10 min (their
    # first visit due 2 minutes after sending), one whose document was found, and one given up
    connect = ChannelSettings(auto_process=True, approve=True,
                              paytraq_transport=PayTraqTransport.CONNECT)
    now = T0 + timedelta(minutes=10)

    def sent(order_id, minutes_before):
        made = item("shop-a", order_id, S.RECEIVED)
        made.document = made.document_created_at = made.finalised_at = None
        made.steps = []
        made.sent_to_connect(now - timedelta(minutes=minutes_before))
        return made

    found, given_up = sent("found", 3), sent("given-up", 3)
    found.document_created(DocumentRecord("9", "found", "sales_order"), now)
    given_up.connect_not_shown(ReviewReason.of(ReasonCode.CONNECT_NOT_SHOWN, "look"), now)
    store(uow, sent("due", 3), sent("not-yet", 1), found, given_up)
    # When the sweeper asks with REST credentials to look with, Then only the due one is read
    with uow:
        due = uow.inbox.awaiting_work("shop-a", OwedWork.of(connect, reads_back=True),
                                      now - SOONEST)
        without_rest = uow.inbox.awaiting_work("shop-a", OwedWork.of(connect), now - SOONEST)
    assert [i.order_id for i in due if revisit_due(i, now)] == ["due"]
    # (the databases leave the one not due yet out by the index on the next visit's time; the
    # in-memory store reads it and the rule leaves it)
    assert {i.order_id for i in due} <= {"due", "not-yet"}
    # and without REST credentials none is (nothing to look with)
    assert without_rest == []
