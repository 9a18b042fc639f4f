"""The whole service against the PayTraq sandbox over HTTP: PayTraq's answer to `POST sale` is
lost, and the company holds more sales around the order's date than the bounded look-up reads
(DECISIONS R4: `query` may not match DocumentRef, so a miss there proves nothing). The order
waits for a person — never a second document on a guess — and the person's answer, given as
the `inbox document` command gives it, settles it with exactly one document."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.paytraq.sandbox.state import Sale
from application.commands import AnswerDocumentCheck, ProcessOrder
from domain.settings import DocumentType


def crowded_day(service, sales: int = 1_050) -> None:
    """Other shops' and hand-made sales dated today: more than ten pages of 100."""
    state, today = service.paytraq.state, datetime.now(UTC).date().isoformat()
    client = "9999"  # a hand-made client the listing never needs
    with state.lock:
        for n in range(sales):
            sale = Sale(id=state.new_id(), ref=f"HAND-{n}", date=today, client_id=client,
                        sale_type="sales_invoice", operation="sell_goods")
            state.sales[sale.id] = sale


def test_a_lost_document_answer_on_a_crowded_day_is_settled_by_a_person_once(service):
    # Given an invoice channel, a crowded day, and PayTraq failing the new sale with a 500
    # (it did nothing, but the client cannot know: the chaos suite's 'paytraq faults' case)
    service.configure(document_type=DocumentType.SALES_INVOICE)
    crowded_day(service)
    service.paytraq.controls.inject("POST", "sale", "error", times=1)
    # When a paid order arrives
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    order_id = order["order_id"]
    # Then it waits for a person, saying where to look; no second document was made
    item = service.item(order_id)
    assert item.status.value == "needs_review" and item.document is None
    assert [r.code.value for r in item.reasons] == ["document_uncertain"]
    assert "more than 10 pages" in item.reasons[0].message
    assert service.sales(order_id) == []
    # When the person answers that PayTraq has no such document, and it is processed again
    bus = service.runtime.bus()
    bus.handle(AnswerDocumentCheck(service.channel_id, order_id, None))
    bus.handle(ProcessOrder(service.channel_id, order_id, manual=True))
    # Then exactly one document exists for the order, and it went to the end
    (sale,) = service.sales(order_id)
    item = service.item(order_id)
    assert item.document.id == sale.id and item.document.adopted is False
    assert sale.status == "paid" and item.status.value == "emailed"


def test_where_the_check_showed_query_finds_document_refs_one_search_settles_it(service):
    # Given the same crowded day and lost answer, on a channel whose check showed that
    # `sales?query=` finds a sale by its DocumentRef
    service.configure(document_type=DocumentType.SALES_INVOICE)
    with service.runtime.uow_factory() as uow:
        uow.write_dialects.record_sales_query(service.channel_id, True, datetime.now(UTC))
        uow.commit()
    crowded_day(service)
    service.paytraq.controls.inject("POST", "sale", "error", times=1)
    # When a paid order arrives
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    # Then the miss was conclusive: one search, no listing by date, no person asked, and
    # exactly one document, which went to the end
    order_id = order["order_id"]
    listed = [r for r in service.paytraq.controls.seen if r.method == "GET" and r.path == "sales"]
    assert len(listed) == 1
    (sale,) = service.sales(order_id)
    item = service.item(order_id)
    assert item.document.id == sale.id and item.status.value == "emailed"
