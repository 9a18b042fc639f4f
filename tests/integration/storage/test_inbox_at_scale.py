"""What keeps the inbox's periodic readers flat as it grows, on every storage backend: /metrics
counts with one GROUP BY, and the sweeper reads only the items that may still owe a step."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from application.ports import ChannelCredentials
from domain.inbox import InboxStatus, PaymentRecord
from domain.orders import PaymentStatus
from domain.owed_work import OwedWork
from domain.settings import Channel, ChannelSettings, Trigger
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
