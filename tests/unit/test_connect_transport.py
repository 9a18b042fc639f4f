"""PayTraq Connect as the channel's transport: one call per order, PayTraq's totals still
predicted and a predicted mismatch explained, the document read back when REST credentials are
given, and a lost answer never sent again by doubt."""

from dataclasses import replace
from decimal import Decimal

import pytest

from adapters.memory.accounting import refused_unsent, transient
from adapters.memory.connect import FakeConnect
from adapters.memory.gateways import StaticGateways
from adapters.memory.uow import InMemoryUnitOfWork
from application.bootstrap import bootstrap
from application.commands import AnswerConnectCheck
from application.errors import TransientError
from domain.settings import PayTraqTransport
from tests.unit.builders import GATEWAY_ACCOUNT, line, order, pipeline, settings

ALL_ON = dict(approve=True, add_payment=True, send_email=True)
ORDER_ID = "M-1234567-101"


def connect_flow(rest: bool = True, **overrides):
    flow = pipeline(settings(paytraq_transport=PayTraqTransport.CONNECT, **ALL_ON, **overrides))
    connect = FakeConnect(flow.accounting)
    gateways = StaticGateways(flow.accounting, connect=connect, rest=rest)
    flow.bus = lambda: bootstrap(InMemoryUnitOfWork(flow.store), gateways, flow.clock)
    return flow, connect


def test_a_paid_order_is_one_connect_call_with_the_automatic_steps_and_is_read_back():
    # Given a Connect channel with REST credentials too
    flow, connect = connect_flow()
    # When a paid order arrives
    flow.receive(order(paid=True))
    # Then one payload went to Connect, asking PayTraq to approve, pay and e-mail
    (sent,) = connect.received
    assert (sent.total, sent.taxes) == (Decimal("24.20"), Decimal("4.20"))
    assert (sent.steps.approve, sent.steps.send, sent.steps.money_account_id) == (
        True, True, GATEWAY_ACCOUNT)
    assert [line.sku for line in sent.document.lines] == ["TT-100"]
    # and the document PayTraq made was read back: its id and status are in the inbox
    item = flow.item()
    (sale,) = flow.sales()
    assert item.document.id == sale.id and item.status.value == "approved"


def test_a_repeated_delivery_is_not_sent_twice():
    flow, connect = connect_flow()
    flow.receive(order(paid=True))
    flow.receive(order(paid=True))
    flow.process(ORDER_ID)
    assert len(connect.received) == 1 and len(flow.sales()) == 1


def test_a_predicted_mismatch_is_sent_and_explained():
    # Given an order whose total PayTraq would not reproduce (the shop charged 24.00)
    flow, connect = connect_flow(rest=False)
    # When it arrives
    flow.receive(order(total="24.00", paid=True))
    # Then it was sent, and the inbox explains that PayTraq will keep the document Draft
    assert len(connect.received) == 1
    item = flow.item()
    assert item.status.value == "needs_review"
    assert item.reasons[0].code.value == "totals_mismatch"
    assert "PayTraq keeps its document Draft" in item.reasons[0].message
    assert [s.status for s in flow.sales()] == ["draft"]


def test_without_rest_credentials_the_item_shows_it_was_sent():
    flow, connect = connect_flow(rest=False)
    flow.receive(order(paid=True))
    item = flow.item()
    assert item.status.value == "sent" and item.document is None and len(connect.received) == 1


def test_a_lost_answer_is_looked_up_by_document_ref_and_never_sent_again():
    # Given PayTraq takes the order but its answer is lost
    flow, connect = connect_flow()
    connect.fail(transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    # When the worker retries
    flow.process(ORDER_ID, manual=False)
    # Then the document was found by its DocumentRef: one payload, one document
    assert len(connect.received) == 1 and len(flow.sales()) == 1
    assert flow.item().document is not None


@pytest.mark.parametrize("shown", [True, False])
def test_after_a_lost_answer_query_alone_is_asked_where_the_check_showed_it_finds_refs(shown):
    # Given a channel whose check showed (or not) that sales?query= finds a DocumentRef
    flow, connect = connect_flow()
    if shown:
        flow.store.sales_query[flow.channel_id] = flow.clock.now()
    connect.fail(transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    # When the worker retries
    flow.process(ORDER_ID, manual=False)
    # Then the document was looked for by query alone where shown, else by date too
    assert flow.accounting.ref_lookups == ["query" if shown else "query+dates"]
    assert len(connect.received) == 1 and flow.item().document is not None


def test_a_lost_answer_without_rest_waits_for_a_person_whose_answer_settles_it():
    # Given no REST credentials, and a lost answer
    flow, connect = connect_flow(rest=False)
    connect.fail(transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    flow.process(ORDER_ID, manual=False)
    item = flow.item()
    assert item.status.value == "needs_review"
    assert item.reasons[0].code.value == "connect_uncertain"
    assert "--delivered" in item.reasons[0].message
    # When the person finds it in PayTraq and says so
    flow.bus().handle(AnswerConnectCheck(flow.channel_id, ORDER_ID, delivered=True))
    flow.process(ORDER_ID)
    # Then it is taken as sent, and nothing was sent again
    assert flow.item().status.value == "sent" and len(connect.received) == 1


def test_a_delivery_connect_refused_before_taking_it_is_sent_again_without_asking_anyone():
    # Given no REST credentials (a lost answer would need a person), and a delivery Connect
    # refused for its pace before taking it
    flow, connect = connect_flow(rest=False)
    connect.fail(refused_unsent())
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    # When the worker retries
    flow.process(ORDER_ID, manual=False)
    # Then it was delivered once, and nobody was asked
    assert len(connect.received) == 1
    assert flow.item().status.value == "sent" and flow.item().reasons == []


@pytest.mark.parametrize("rest", [False, True])
def test_an_order_deleted_after_a_delivery_whose_answer_was_lost_is_not_simply_cancelled(rest):
    # Given a delivery Connect took but whose answer was lost
    flow, connect = connect_flow(rest=rest)
    connect.fail(transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    # When the order is deleted in Mozello
    flow.receive(order(paid=True), event="ORDER_DELETED")
    # Then its document (approved by Connect) is not left behind unseen: a person is asked to
    # deal with it — with REST credentials after finding it by its DocumentRef
    item = flow.item()
    assert item.status.value == "needs_review"
    assert [r.code.value for r in item.reasons] == ["deleted_after_finalised"]
    assert ("find_sale_by_ref" in flow.accounting.calls) is rest
    assert [s.status.value for s in flow.sales()] == ["in_process"]


def test_an_order_deleted_before_paytraqs_sales_inbox_made_its_document_waits_for_a_person():
    # Given a delivery PayTraq's Sales Inbox took but has not turned into a document yet
    flow, connect = connect_flow()
    connect.later = True
    flow.receive(order(paid=True))
    assert flow.item().sent_at is not None and flow.sales() == []
    # When the order is deleted in Mozello
    flow.receive(order(paid=True), event="ORDER_DELETED")
    # Then it is not taken as cancelled: the document may still come, and a person is told
    # where to look for it
    item = flow.item()
    assert item.status.value == "needs_review"
    (reason,) = item.reasons
    assert reason.code.value == "deleted_after_finalised" and "Sales Inbox" in reason.message
    connect.make_waiting()  # (and it does come)
    assert len(flow.sales()) == 1


def test_an_order_deleted_after_a_delivery_connect_refused_is_simply_cancelled():
    # Given a delivery Connect refused before taking it
    flow, connect = connect_flow(rest=False)
    connect.fail(refused_unsent())
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    # When the order is deleted in Mozello, Then it is cancelled: nothing can be in PayTraq
    flow.receive(order(paid=True), event="ORDER_DELETED")
    assert flow.item().status.value == "cancelled"


def test_an_order_no_real_shop_would_send_is_held_before_the_connect_call():
    # Given a Connect channel, and an order in a currency the channel does not book in
    flow, connect = connect_flow()
    # When it arrives
    flow.receive(replace(order(paid=True), currency="XYZ"))
    # Then nothing went to PayTraq: the item waits for a person, saying why
    assert connect.received == [] and flow.sales() == []
    item = flow.item()
    assert item.status.value == "needs_review"
    assert [r.code.value for r in item.reasons] == ["order_not_sane"]


def test_an_order_paid_with_a_total_of_zero_asks_connect_for_no_payment():
    # Given a Connect channel that adds payments, and a free order marked paid
    flow, connect = connect_flow(rest=False)
    free = order(paid=True, lines=(line("TT-100", "0.00"),), total="0.00", taxes="0.00")
    # When it arrives, Then it is sent without a payment step
    flow.receive(free)
    (sent,) = connect.received
    assert sent.steps.money_account_id is None
