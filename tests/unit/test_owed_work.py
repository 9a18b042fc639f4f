"""The sweeper's pre-selection never leaves out an item automatic processing still owes a step,
and leaves out the ones that are done."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.inbox import DocumentRecord, InboxItem, InboxStatus, PaymentRecord
from domain.owed_work import OwedWork
from domain.settings import ChannelSettings, Trigger
from tests.unit.builders import order

AT = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
S = InboxStatus


def item_in(status: InboxStatus, *, finalised=False, paid=False, emailed=False, document=True,
            transient=False, order_paid=True) -> InboxItem:
    item = InboxItem("shop", "M-1", order(paid=order_paid), received_at=AT, status=status)
    if document:
        item.document = DocumentRecord("1", "M-1", "sales_order")
        item.document_created_at = AT
    item.finalised_at = AT if finalised else None
    item.payment = PaymentRecord(Decimal("24.20"), "5011", True, AT) if paid else None
    item.emailed_at = AT if emailed else None
    item.error_transient = transient
    return item


def every_item() -> list[InboxItem]:
    items = [item_in(S.RECEIVED, document=False, order_paid=paid) for paid in (True, False)]
    items += [item_in(S.FAILED, document=doc, transient=t)
              for doc, t in itertools.product((True, False), repeat=2)]
    items += [item_in(S.NEEDS_REVIEW), item_in(S.CANCELLED)]
    for status in (S.DOCUMENT_CREATED, S.APPROVED, S.PAID, S.EMAILED):
        for finalised, paid, emailed, order_paid in itertools.product((True, False), repeat=4):
            items.append(item_in(status, finalised=finalised, paid=paid, emailed=emailed,
                                 order_paid=order_paid))
    return items


SWITCHES = list(itertools.product((True, False), repeat=4))
TRIGGERS = [(Trigger.RECEIVED, ()), (Trigger.PAID, ()),
            (Trigger.PAID, (("gateway", Trigger.RECEIVED),)),
            (Trigger.RECEIVED, (("gateway", Trigger.PAID),))]


@pytest.mark.parametrize(("trigger", "overrides"), TRIGGERS)
@pytest.mark.parametrize(("auto", "approve", "pay", "email"), SWITCHES)
def test_every_item_that_awaits_work_is_in_the_sweepers_selection(auto, approve, pay, email,
                                                                   trigger, overrides):
    # Given a channel with these switches and triggers
    settings = ChannelSettings(auto_process=auto, approve=approve, add_payment=pay,
                               send_email=email, trigger=trigger, trigger_overrides=overrides)
    owed = OwedWork.of(settings)
    # When any item is checked, Then each one that awaits work is selected
    missed = [i for i in every_item() if i.awaits_work(settings) and not owed.admits(i)]
    assert missed == []


def test_a_finished_order_is_left_out_of_the_sweepers_selection():
    # Given a channel that approves, pays and e-mails
    owed = OwedWork.of(ChannelSettings(auto_process=True, approve=True, add_payment=True,
                                       send_email=True))
    done = item_in(S.EMAILED, finalised=True, paid=True, emailed=True)
    # Then the e-mailed, paid item is not selected, and one still without its payment is
    assert not owed.admits(done)
    assert owed.admits(replace(done, payment=None))


def test_without_automatic_processing_only_transient_failures_are_selected():
    owed = OwedWork.of(ChannelSettings(auto_process=False, approve=True))
    assert owed.admits(item_in(S.FAILED, transient=True))
    assert not owed.admits(item_in(S.FAILED, transient=False))
    assert not owed.admits(item_in(S.DOCUMENT_CREATED))
    assert not owed.admits(item_in(S.RECEIVED, document=False))


def test_an_unpaid_order_waiting_for_its_payment_is_left_out_until_it_is_paid():
    # Given a channel processing on payment, except bank transfers on receipt
    owed = OwedWork.of(ChannelSettings(auto_process=True, trigger=Trigger.PAID,
                                       trigger_overrides=(("banktransfer", Trigger.RECEIVED),)))
    # Then an unpaid gateway order is not selected, a paid one and an unpaid transfer are
    assert not owed.admits(item_in(S.RECEIVED, document=False, order_paid=False))
    assert owed.admits(item_in(S.RECEIVED, document=False, order_paid=True))
    transfer = item_in(S.RECEIVED, document=False, order_paid=False)
    transfer.order = replace(transfer.order, payment_method="banktransfer")
    assert owed.admits(transfer)
