"""Where PayTraq's answer to a write was lost and PayTraq cannot tell whether it happened, the
accountant answers on the order's page — not in a terminal: the page offers the two answers
the review asks for, confirms, records who answered, and the order goes on from the answer."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from adapters.memory.accounting import transient
from application.errors import LookUpUnfinished, TransientError
from domain.settings import DocumentType
from tests.unit.builders import order

ORDER = "M-1234567-101"
PAGE = f"/orders/shop-1/{ORDER}"


def configure(console, **changes) -> None:
    with console.runtime.uow_factory() as uow:
        channel = uow.channels.get("shop-1")
        uow.channels.update(dataclasses.replace(
            channel, settings=dataclasses.replace(channel.settings, **changes)))
        uow.commit()


def uncertain_document(console, created: bool) -> None:
    """POST sale's answer lost (after PayTraq created it, or before); the look-up cannot finish."""
    configure(console, document_type=DocumentType.SALES_INVOICE, approve=True,
                           add_payment=True, send_email=True)
    console.flow.accounting.fail("create_sale", transient(), after_write=created)
    console.flow.accounting.fail("find_sale_by_ref", LookUpUnfinished("more than 10 pages"))
    with pytest.raises(TransientError):
        console.flow.receive(order(paid=True))
    console.flow.process(ORDER, manual=False)


def test_an_uncertain_document_is_answered_from_the_page_and_created_once(console):
    # Given an order whose document may have been created (in truth it was not)
    uncertain_document(console, created=False)
    console.login()
    # Then its page says so in Latvian and offers both answers
    page = console.page(PAGE)
    assert "Dokuments, iespējams, jau izveidots" in page
    assert "action-document_found" in page and "action-document_not_created" in page
    # When the accountant confirms that PayTraq has no such document
    confirm = f"{PAGE}/confirm/document_not_created"
    assert "Šāda dokumenta PayTraq nav: izveidot to?" in console.page(confirm)
    answer = console.post(f"{PAGE}/do/document_not_created", page=confirm)
    # Then it is created once and the order goes to the end; who answered is recorded
    assert answer.status_code == 302
    assert len(console.flow.sales()) == 1
    item = console.flow.item()
    assert item.status.value == "emailed" and item.reasons == []
    assert ("anna", "document_not_created", ORDER) in console.actions()
    assert "Cilvēks atbildēja, vai PayTraq ir dokuments" in console.page(PAGE)


def test_the_document_found_in_paytraq_is_named_on_the_page_and_adopted(console):
    # Given an order whose document was created although the answer was lost
    uncertain_document(console, created=True)
    (sale,) = console.flow.sales()
    console.login()
    confirm = f"{PAGE}/confirm/document_found"
    assert 'name="document_id"' in console.page(confirm)
    # When the accountant enters something that is not a document id, nothing is written
    console.post(f"{PAGE}/do/document_found", {"document_id": "INV-42"}, page=confirm)
    assert "PayTraq ID ir skaitlis" in console.page(PAGE)
    assert not any(s.name == "document_checked" for s in console.flow.item().steps)
    # When they enter the document's id
    console.post(f"{PAGE}/do/document_found", {"document_id": sale.id}, page=confirm)
    # Then that document is the order's, and nothing was created again
    item = console.flow.item()
    assert len(console.flow.sales()) == 1
    assert item.document.id == sale.id and item.status.value == "emailed"


@pytest.mark.parametrize("booked", [True, False])
def test_an_uncertain_overpayment_is_answered_from_the_page(console, booked):
    # Given a sales order whose advance may have been booked (in truth booked, or not)
    configure(console, document_type=DocumentType.SALES_ORDER, approve=True,
                           add_payment=True, send_email=True)
    console.flow.accounting.overpayments_visible = False
    console.flow.accounting.fail("add_payment", transient(), after_write=booked)
    with pytest.raises(TransientError):
        console.flow.receive(order(paid=True))
    console.flow.process(ORDER, manual=False)
    console.login()
    page = console.page(PAGE)
    assert "action-payment_booked" in page and "action-payment_not_booked" in page
    # When the accountant answers what PayTraq shows
    action = "payment_booked" if booked else "payment_not_booked"
    console.post(f"{PAGE}/do/{action}", page=f"{PAGE}/confirm/{action}")
    # Then there is one advance, and the order is finished
    assert len(console.flow.accounting.overpayments) == 1
    item = console.flow.item()
    assert item.payment is not None and item.status.value == "paid"


def test_no_answer_is_offered_where_nothing_is_uncertain(console):
    console.flow.receive(order(paid=True))
    console.login()
    page = console.page(PAGE)
    assert "action-payment_booked" not in page and "action-document_found" not in page


def test_a_second_click_writes_no_second_answer(console):
    # Given an uncertain document, and its confirmation page naming the question it answers
    uncertain_document(console, created=False)
    console.login()
    confirm = f"{PAGE}/confirm/document_not_created"
    assert 'name="question" value="1.0"' in console.page(confirm)
    # When the answer is posted, and posted again from the same page (a second click)
    first = console.post(f"{PAGE}/do/document_not_created", {"question": "1.0"}, page=confirm)
    assert first.status_code == 302
    second = console.post(f"{PAGE}/do/document_not_created", {"question": "1.0"}, page=confirm)
    # Then the second is refused with the reason, and only one answer and one document exist
    assert second.status_code == 302
    assert "Nav izdarīts" in console.page(PAGE)
    answers = [s for s in console.flow.item().steps if s.name == "document_checked"]
    assert len(answers) == 1 and answers[0].detail["by"] == "anna"
    assert len(console.flow.sales()) == 1


def test_an_answer_from_a_page_read_before_the_order_was_tried_again_is_refused(console):
    # Given an uncertain document whose page the accountant reads (question 1.0)
    uncertain_document(console, created=False)
    console.login()
    page = console.page(PAGE)
    link = re.search(r'id="action-document_not_created" href="([^"]+)"', page).group(1)
    assert "question=1.0" in link
    # When, while they look in PayTraq, a colleague processes the order: the look-up now
    # finishes (nothing found), a second attempt is made and its answer lost too, and the
    # look-up after it cannot finish (question 2.0); then they answer from the page they read
    console.flow.accounting.fail("create_sale", transient(), after_write=True)
    with pytest.raises(TransientError):
        console.flow.process(ORDER)
    console.flow.accounting.fail("find_sale_by_ref", LookUpUnfinished("more than 10 pages"))
    console.flow.process(ORDER, manual=False)
    assert console.flow.item().reasons[0].detail("question") == "2.0"
    confirm = html.unescape(link)
    assert 'name="question" value="1.0"' in console.page(confirm)
    console.post(f"{PAGE}/do/document_not_created", {"question": "1.0"}, page=confirm)
    # Then the answer is refused (the page says why), and PayTraq holds the one document
    assert "Nav izdarīts" in console.page(PAGE)
    assert len(console.flow.sales()) == 1
    assert not any(s.name == "document_checked" for s in console.flow.item().steps)
