"""An order sent to PayTraq Connect whose document PayTraq's Sales Inbox makes later is looked
for again on a backed-off schedule: one PayTraq call a visit, never a second delivery, and after
3 days a person is told where to look."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.accounting import transient
from adapters.memory.clock import SteppingClock
from adapters.memory.connect import FakeConnect
from adapters.memory.gateways import StaticGateways
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.bootstrap import bootstrap
from application.errors import TransientError
from application.ports import ChannelCredentials
from domain.connect_revisits import GIVE_UP_AFTER, next_revisit_at, visits
from domain.inbox import DocumentRecord, InboxItem, InboxStatus
from domain.owed_work import OwedWork
from domain.review import ReasonCode, ReviewReason
from domain.settings import Channel, PayTraqTransport
from entrypoints.config import load_config
from entrypoints.runtime import Runtime
from entrypoints.worker.scheduler import Jobs
from tests.unit.builders import order, pipeline, settings

SENT = datetime(2026, 2, 2, 12, 0, tzinfo=UTC)
ORDER_ID = "M-1234567-101"
CONNECT = settings(paytraq_transport=PayTraqTransport.CONNECT, approve=True, add_payment=True,
                   send_email=True)
S = InboxStatus


def sent_item(order_id: str = ORDER_ID, at: datetime = SENT) -> InboxItem:
    item = InboxItem("shop-1", order_id, order(order_id=order_id, paid=True),
                     received_at=at - timedelta(seconds=5))
    item.sent_to_connect(at)
    return item


# --- the schedule ----------------------------------------------------------------------------
def test_visits_back_off_from_2_minutes_to_every_6_hours_and_end_at_3_days():
    # Given an order sent to Connect whose document never shows
    item = sent_item()
    # When it is visited whenever a visit is due
    times = []
    while (due := next_revisit_at(item)) is not None:
        times.append(due)
        item.connect_looked_up(due, "query")
    # Then the visits come 2, 10, 30 minutes and 2 hours apart, then every 6 hours ...
    gaps = [later - earlier for earlier, later in zip([SENT, *times], times, strict=False)]
    assert gaps[:5] == [timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30),
                        timedelta(hours=2), timedelta(hours=6)]
    assert set(gaps[4:-1]) == {timedelta(hours=6)}
    # ... and the last one is 3 days after sending: 16 visits in all, none after it
    assert times[-1] == SENT + GIVE_UP_AFTER and len(times) == 16


def test_the_schedule_is_kept_in_the_item_so_a_restart_goes_on_where_it_was():
    # Given an item visited four times (its visits are steps, stored with it)
    item = sent_item()
    for _ in range(4):
        item.connect_looked_up(next_revisit_at(item), "query")
    # Then the next visit is 6 hours after the fourth, not 2 minutes after now
    assert len(visits(item)) == 4
    assert next_revisit_at(item) == visits(item)[-1] + timedelta(hours=6)


# --- which items the sweeper admits ------------------------------------------------------------
def test_a_sent_item_without_document_is_owed_a_visit_only_on_a_connect_channel_with_rest():
    item = sent_item()
    assert OwedWork.of(CONNECT, reads_back=True).admits(item)
    assert not OwedWork.of(CONNECT, reads_back=False).admits(item)  # nothing to look with
    assert not OwedWork.of(settings(), reads_back=True).admits(item)  # a REST channel
    # whatever the channel's automatic switches: it was sent, only read back now
    assert OwedWork.of(settings(paytraq_transport=PayTraqTransport.CONNECT, auto_process=False),
                       reads_back=True).admits(item)


def test_an_item_with_its_document_given_up_or_closed_is_not_visited():
    owed = OwedWork.of(CONNECT, reads_back=True)
    found = sent_item("M-found")
    found.document_created(DocumentRecord("9", "M-found", "sales_order"), SENT)
    given_up = sent_item("M-given-up")
    given_up.connect_not_shown(ReviewReason.of(ReasonCode.CONNECT_NOT_SHOWN, "look"), SENT)
    handled = sent_item("M-handled")
    handled.handled_by_hand("anna", SENT)
    cancelled = sent_item("M-cancelled")
    cancelled.cancel(SENT)
    assert [owed.admits(i) for i in (found, given_up, handled, cancelled)] == [False] * 4


def test_a_sent_item_whose_mismatch_was_predicted_is_still_visited_to_show_its_draft():
    item = sent_item()
    item.needs_review([ReviewReason.of(ReasonCode.TOTALS_MISMATCH, "PayTraq keeps its "
                                       "document Draft")], SENT)
    assert OwedWork.of(CONNECT, reads_back=True).admits(item)


def test_the_sweeper_sends_a_visit_when_due_and_only_where_rest_credentials_are_given():
    store = MemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        uow.channels.add(Channel("shop-1", "Connect + REST", CONNECT),
                         ChannelCredentials("MZL", "pt-key", "pt-token"))
        uow.channels.add(Channel("shop-2", "Connect only", CONNECT), ChannelCredentials("MZL"))
        for channel_id, order_id, minutes in (("shop-1", "M-due", 3), ("shop-1", "M-soon", 1),
                                              ("shop-2", "M-no-rest", 3)):
            item = sent_item(order_id, SENT - timedelta(minutes=minutes))
            item.channel_id = channel_id
            uow.inbox.add(item)
        uow.commit()
    runtime = Runtime(load_config({}), lambda: InMemoryUnitOfWork(store), gateways=None,
                      clock=SteppingClock(SENT, timedelta(0)))
    sent: list[str] = []
    Jobs(runtime, send_process=lambda c, o: sent.append(o), send_poll=lambda c: None).sweep()
    assert sent == ["M-due"]


# --- a visit ---------------------------------------------------------------------------------
def connect_flow(rest: bool = True):
    """A Connect channel whose PayTraq inbox has not made the document yet (it keeps the
    payloads until `make_documents`)."""
    flow = pipeline(CONNECT)
    connect = FakeConnect(None)
    gateways = StaticGateways(flow.accounting, connect=connect, rest=rest)
    flow.bus = lambda: bootstrap(InMemoryUnitOfWork(flow.store), gateways, flow.clock)

    def make_documents() -> None:
        connect.company = flow.accounting
        for payload in connect.received:
            connect._process(payload)

    return flow, connect, make_documents


def at(flow, moment: datetime) -> None:
    flow.clock.current = moment


def visit(flow) -> list[str]:
    """The worker woken for the order (as by the sweeper): the PayTraq calls it spent."""
    before = len(flow.accounting.calls)
    flow.process(ORDER_ID, manual=False)
    return flow.accounting.calls[before:]


def test_a_document_made_later_is_found_by_a_visit_of_one_call():
    # Given a paid order sent to Connect whose document PayTraq's inbox has not made yet
    flow, connect, make_documents = connect_flow()
    flow.receive(order(paid=True))
    item = flow.item()
    assert item.status is S.SENT and item.document is None
    # When the worker is woken a minute later (not due), then at the first visit
    at(flow, item.sent_at + timedelta(minutes=1))
    assert visit(flow) == []
    at(flow, item.sent_at + timedelta(minutes=2))
    # Then that visit is one `sales?query=` call, and the item says it was looked for
    assert visit(flow) == ["look_up_sale"]
    assert [s.detail["how"] for s in flow.item().steps if s.name.endswith("looked_up")] == [
        "query"]
    # When PayTraq makes the document, and the next visit comes (10 minutes later)
    make_documents()
    at(flow, item.sent_at + timedelta(minutes=12, seconds=1))
    # Then it is found with that one call: its id, status and total are in the inbox
    assert visit(flow) == ["look_up_sale"]
    (sale,) = flow.sales()
    item = flow.item()
    assert (item.document.id, item.document.status, item.paytraq_total) == (
        sale.id, "in_process", sale.document.totals().total)
    assert item.status is S.APPROVED and len(connect.received) == 1


def test_a_draft_found_by_a_visit_shows_why_paytraq_kept_it_draft():
    # Given an order whose total PayTraq would not reproduce, sent; its document made later
    flow, connect, make_documents = connect_flow()
    flow.receive(order(total="24.00", paid=True))
    make_documents()
    at(flow, flow.item().sent_at + timedelta(minutes=2))
    # When the visit finds it
    flow.process(ORDER_ID, manual=False)
    # Then the inbox holds the Draft and the explanation of PayTraq's totals check
    item = flow.item()
    assert item.document is not None and item.document.status == "draft"
    assert item.status is S.NEEDS_REVIEW
    assert "PayTraq keeps its document Draft" in item.reasons[0].message


def test_after_3_days_without_a_document_a_person_is_told_where_to_look():
    # Given an order sent to Connect whose document never shows
    flow, connect, _ = connect_flow()
    flow.receive(order(paid=True))
    # When every visit comes when due, alternating the two ways of looking
    spent = []
    while (due := next_revisit_at(flow.item())) is not None:
        at(flow, due)
        spent.append(visit(flow))
    # Then 16 visits cost 16 calls, and nothing was sent again
    looked = [s.detail["how"] for s in flow.item().steps if s.name.endswith("looked_up")]
    assert len(looked) == 16 and spent == [["look_up_sale"]] * 16
    assert looked[:4] == ["query", "listing", "query", "listing"]
    assert len(connect.received) == 1
    # and the item waits for a person, saying where to look
    item = flow.item()
    assert item.status is S.NEEDS_REVIEW
    (reason,) = item.reasons
    assert reason.code is ReasonCode.CONNECT_NOT_SHOWN
    assert reason.message.startswith(
        f"PayTraq has not shown the document for order {ORDER_ID} after 3 days: check PayTraq")
    assert "Sales Inbox (Pārdošanas iesūtne)" in reason.message
    # and a later wake-up spends nothing
    at(flow, item.sent_at + timedelta(days=5))
    assert visit(flow) == []


def test_a_visit_that_times_out_is_retried_by_the_worker_and_the_schedule_goes_on():
    # Given an order sent to Connect, and PayTraq timing out on its first visit
    flow, connect, _ = connect_flow()
    flow.receive(order(paid=True))
    sent_at = flow.item().sent_at
    flow.accounting.fail("look_up_sale", transient())
    at(flow, sent_at + timedelta(minutes=2))
    with pytest.raises(TransientError):
        visit(flow)
    assert flow.item().status is S.FAILED
    # When the worker retries it, Then that visit is made (one call), and the item is `sent`
    # again with its next visit 10 minutes later
    assert visit(flow) == ["look_up_sale"]
    item = flow.item()
    assert item.status is S.SENT and len(visits(item)) == 1
    assert next_revisit_at(item) == visits(item)[0] + timedelta(minutes=10)
    assert len(connect.received) == 1
