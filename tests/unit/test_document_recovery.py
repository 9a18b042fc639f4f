"""A document whose answer was lost and which PayTraq's bounded look-up cannot rule in or out:
the order waits for a person instead of creating a second document on a guess, and the
person's answer settles it — adopting the document named (only if it is this order's) or
creating it once."""

from datetime import timedelta

import pytest

from adapters.memory.accounting import transient
from adapters.memory.gateways import StaticGateways
from adapters.memory.locks import InMemoryLock
from adapters.memory.uow import InMemoryUnitOfWork
from application.bootstrap import bootstrap
from application.commands import AnswerDocumentCheck
from application.errors import InvalidInput, LookUpUnfinished, OrderBusy, TransientError
from application.handlers.answer_checks import AnswerNotAsked
from application.order_lock import lock_name
from domain.settings import DocumentType
from tests.unit.builders import order, pipeline, settings

ALL_ON = dict(approve=True, add_payment=True, send_email=True)
ORDER_ID = "M-1234567-101"
UNFINISHED = "PayTraq sales has more than 10 pages: a bounded look-up could not finish"


def lost_and_unfinished(created: bool):
    """A sales-invoice flow whose POST sale answer was lost (after PayTraq created it, or
    before), whose retry's look-up could not finish."""
    flow = pipeline(settings(document_type=DocumentType.SALES_INVOICE, **ALL_ON))
    flow.accounting.fail("create_sale", transient(), after_write=created)
    flow.accounting.fail("find_sale_by_ref", LookUpUnfinished(UNFINISHED))
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    flow.process(ORDER_ID, manual=False)
    return flow


@pytest.mark.parametrize("created", [True, False])
def test_a_lost_answer_the_look_up_cannot_settle_waits_for_a_person(created):
    # Given PayTraq's answer to the new document was lost, and the look-up could not finish
    flow = lost_and_unfinished(created)
    # Then the order waits for a person, saying where to look and how to answer
    item = flow.item()
    assert item.status.value == "needs_review" and item.document is None
    (reason,) = item.reasons
    assert reason.code.value == "document_uncertain"
    assert f"reference (DocumentRef) {ORDER_ID}" in reason.message
    assert "more than 10 pages" in reason.message
    assert f"inbox document {ORDER_ID} --question 1.0 --created" in reason.message
    # and no second document was made on the guess
    assert len(flow.sales()) == (1 if created else 0)


def test_not_created_is_answered_by_creating_the_document_once():
    # Given the document was in truth never created
    flow = lost_and_unfinished(created=False)
    # When a person answers that PayTraq has no such document
    flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, None))
    flow.process(ORDER_ID)
    # Then it is created (without asking PayTraq again), paid and sent: one of each
    (sale,) = flow.sales()
    item = flow.item()
    assert item.status.value == "emailed" and item.reasons == []
    assert item.document.id == sale.id and item.document.adopted is False
    assert flow.accounting.calls.count("find_sale_by_ref") == 1


def test_the_document_a_person_names_is_adopted_and_nothing_is_created_again():
    # Given the document was created although its answer was lost
    flow = lost_and_unfinished(created=True)
    (sale,) = flow.sales()
    # When a person names it
    flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, sale.id))
    flow.process(ORDER_ID)
    # Then it is the order's document, and the order goes on to the end
    item = flow.item()
    assert len(flow.sales()) == 1
    assert item.document.id == sale.id and item.document.adopted is True
    assert item.status.value == "emailed" and item.reasons == []


def test_a_wrong_answer_asks_again_and_the_next_answer_is_taken():
    # Given an uncertain document (in truth not created), answered with another order's number
    flow = lost_and_unfinished(created=False)
    flow.receive(order(paid=True, order_id="M-1234567-102"))
    other = flow.item("M-1234567-102").document.id
    flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, other, question="1.0"))
    flow.process(ORDER_ID)
    # Then the question is asked again, as a new one
    (again,) = flow.item().reasons
    assert again.detail("question") == "1.1"
    # When the person answers it: not created
    flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, None, question="1.1"))
    flow.process(ORDER_ID)
    # Then the document is created once
    assert len(flow.sales()) == 1 and flow.item().status.value == "emailed"


def test_a_named_document_of_another_order_is_not_adopted():
    # Given an uncertain document, and another order's document in PayTraq
    flow = lost_and_unfinished(created=False)
    flow.receive(order(paid=True, order_id="M-1234567-102"))
    other = flow.item("M-1234567-102").document.id
    # When a person names that other order's document by mistake
    flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, other))
    flow.process(ORDER_ID)
    # Then it is not taken: the order still waits, and says why
    item = flow.item()
    assert item.document is None and item.status.value == "needs_review"
    (reason,) = item.reasons
    assert reason.code.value == "document_uncertain"
    assert f"has reference M-1234567-102, not {ORDER_ID}" in reason.message
    assert flow.sales() == [] and len(flow.sales("M-1234567-102")) == 1


def test_an_answer_that_is_not_a_document_id_is_refused_before_anything_is_written():
    flow = lost_and_unfinished(created=False)
    with pytest.raises(InvalidInput):
        flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, "INV-0042"))
    assert not any(step.name == "document_checked" for step in flow.item().steps)


@pytest.mark.parametrize("shown", [True, False])
def test_a_miss_by_query_is_conclusive_only_where_the_check_showed_query_finds_refs(shown):
    # Given a channel whose check showed (or not) that sales?query= finds a DocumentRef
    flow = pipeline(settings(document_type=DocumentType.SALES_INVOICE, **ALL_ON))
    if shown:
        flow.store.sales_query[flow.channel_id] = flow.clock.now()
    # When PayTraq's answer to the new document is lost before it acted, and the worker retries
    flow.accounting.fail("create_sale", transient())
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    flow.process(ORDER_ID, manual=False)
    # Then the look-up searched by query alone where that was shown, else by date too
    assert flow.accounting.ref_lookups == ["query" if shown else "query+dates"]
    assert len(flow.sales()) == 1 and flow.item().status.value == "emailed"


def test_a_second_answer_to_the_same_question_is_refused():
    # Given an uncertain document answered once ("not created"), not yet processed again
    flow = lost_and_unfinished(created=False)
    flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, None, by="anna"))
    # When a colleague (or a second click) answers again
    with pytest.raises(AnswerNotAsked, match="answered or tried again"):
        flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, None, by="juris"))
    # Then only the first answer is written, with who gave it
    answers = [s for s in flow.item().steps if s.name == "document_checked"]
    assert [a.detail["by"] for a in answers] == ["anna"]


def test_an_answer_to_an_earlier_attempts_question_never_applies_to_a_later_attempt():
    # Given an uncertain document answered "not created", whose new attempt was lost again
    flow = lost_and_unfinished(created=False)
    (asked,) = flow.item().reasons
    assert asked.detail("question") == "1.0"
    flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, None, question="1.0"))
    flow.accounting.fail("create_sale", transient(), after_write=True)
    flow.accounting.fail("find_sale_by_ref", LookUpUnfinished(UNFINISHED))
    with pytest.raises(TransientError):
        flow.process(ORDER_ID)
    flow.process(ORDER_ID, manual=False)
    (again,) = flow.item().reasons
    assert again.detail("question") == "2.0" and len(flow.sales()) == 1
    # When a page left open since the first question answers "not created" again
    with pytest.raises(AnswerNotAsked, match="tried again"):
        flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, None, question="1.0"))
    # Then nothing was written and nothing created; the current question is answered as asked
    (sale,) = flow.sales()
    flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, sale.id, question="2.0"))
    flow.process(ORDER_ID)
    assert len(flow.sales()) == 1 and flow.item().document.id == sale.id


def test_no_answer_is_taken_for_an_order_that_does_not_wait_for_one():
    flow = pipeline(settings(document_type=DocumentType.SALES_INVOICE, **ALL_ON))
    flow.receive(order(paid=True))
    with pytest.raises(AnswerNotAsked, match="does not wait"):
        flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, None))
    assert len(flow.sales()) == 1


def test_a_named_document_a_person_voided_is_taken_and_the_order_stops_there():
    # Given an uncertain document that PayTraq created and a person then voided
    flow = lost_and_unfinished(created=True)
    (sale,) = flow.sales()
    flow.accounting.void_sale(sale.id)
    # When the person names it
    flow.bus().handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, sale.id))
    flow.process(ORDER_ID)
    # Then it is the order's document, and the order waits as any voided document's does:
    # nothing is created again
    item = flow.item()
    assert item.document.id == sale.id and len(flow.sales()) == 1
    assert [r.code.value for r in item.reasons] == ["document_voided"]


def test_a_voided_document_found_after_a_lost_answer_is_taken_not_made_again():
    # Given PayTraq created the document, its answer lost, and a person voided it meanwhile
    flow = pipeline(settings(document_type=DocumentType.SALES_INVOICE, **ALL_ON))
    flow.accounting.fail("create_sale", transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.receive(order(paid=True))
    (sale,) = flow.sales()
    flow.accounting.void_sale(sale.id)
    # When the worker retries
    flow.process(ORDER_ID, manual=False)
    # Then the voided document is found, and the order stops for a person
    item = flow.item()
    assert item.document.id == sale.id and len(flow.sales()) == 1
    assert [r.code.value for r in item.reasons] == ["document_voided"]


def test_no_answer_is_written_while_a_worker_holds_the_order():
    # Given an uncertain document, and a worker processing the order right now
    flow = lost_and_unfinished(created=False)
    lock = InMemoryLock()
    name = lock_name(flow.channel_id, ORDER_ID)
    assert lock.acquire(name, "worker-1", flow.clock.now(), timedelta(seconds=30))
    bus = bootstrap(InMemoryUnitOfWork(flow.store), StaticGateways(flow.accounting), flow.clock,
                    order_lock=lock)
    # When a person answers meanwhile
    with pytest.raises(OrderBusy):
        bus.handle(AnswerDocumentCheck(flow.channel_id, ORDER_ID, None, question="1.0"))
    # Then nothing was written: the answer waits until the worker has finished
    assert not any(s.name == "document_checked" for s in flow.item().steps)
