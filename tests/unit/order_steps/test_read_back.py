"""When the order's PayTraq document is read back (GET sale) and when the prediction stands for
it; and PayTraq's tax keys shared by every worker through the database, not asked per process."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.uow import InMemoryUnitOfWork
from application.errors import PermanentError
from application.order_steps.document import ensure_document
from application.order_steps.pipeline import run_order_steps
from application.order_steps.totals import read_back_needed
from domain.inbox import InboxStatus
from domain.reconciliation import ReconciliationPolicy
from domain.review import ReasonCode
from domain.sale_status import SaleStatus
from tests.unit.builders import order
from tests.unit.order_steps.conftest import make_run

AUTOMATIC = {"approve": True, "add_payment": True, "send_email": True}


def prediction(shop_total: str):
    """The domain's verdict on a one-line 24.20 document against a shop total."""
    run = make_run(order(total=shop_total))
    assert ensure_document(run)
    document = run.accounting.sales[run.sale.id].document
    return ReconciliationPolicy().reconcile(run.order, document)


@pytest.mark.parametrize(("proven", "adopted", "shop_total", "needed"), [
    (True, False, "24.20", False),   # proven channel, created now, prediction = shop's total
    (False, False, "24.20", True),   # the write test has not shown PayTraq keeps what is sent
    (True, True, "24.20", True),     # adopted: made by an earlier attempt (or a person)
    (True, False, "25.20", True),    # the prediction differs from the shop's total
    (False, True, "25.20", True),
])
def test_the_document_is_read_back_unless_proven_created_now_and_predicted_equal(
        proven, adopted, shop_total, needed):
    # Given the channel's proof, how the document came to be, and the domain's prediction
    verdict = prediction(shop_total)
    # Then PayTraq is asked only when it could tell something the prediction does not
    assert read_back_needed(proven, adopted, verdict) is needed


def test_a_proven_channel_creates_the_document_without_reading_it_back():
    # Given a channel whose write test passed
    run = make_run(proven=True, **AUTOMATIC)
    # When the order is processed
    run_order_steps(run)
    # Then no GET sale was made, and PayTraq holds what the run recorded
    assert "get_sale" not in run.accounting.calls
    held = run.accounting.get_sale(run.item.document.id)
    assert (run.item.document.total, run.item.paytraq_total) == (held.total, held.total)
    assert run.item.status is InboxStatus.EMAILED and held.status != SaleStatus.DRAFT


def test_a_channel_without_the_write_test_still_reads_the_document_back():
    # Given a channel whose write test never ran
    run = make_run(**AUTOMATIC)
    # When the order is processed
    run_order_steps(run)
    # Then the document was read back once, right after it was created
    assert run.accounting.calls.count("get_sale") == 1
    assert run.accounting.calls.index("get_sale") == run.accounting.calls.index("create_sale") + 1
    assert run.item.status is InboxStatus.EMAILED


def test_a_prediction_that_differs_is_read_back_and_the_draft_waits_for_a_person():
    # Given a proven channel and an order whose shop total the document will not reach
    run = make_run(order(total="25.20"), proven=True, **AUTOMATIC)
    # When the order is processed
    run_order_steps(run)
    # Then PayTraq's own total was read, the document stays Draft, nothing paid, reason given
    assert "get_sale" in run.accounting.calls
    assert run.accounting.get_sale(run.item.document.id).status == SaleStatus.DRAFT
    assert "add_payment" not in run.accounting.calls
    assert run.item.status is InboxStatus.NEEDS_REVIEW
    assert run.item.reasons[0].code is ReasonCode.TOTALS_MISMATCH


def test_tax_keys_are_asked_once_per_channel_then_shared_through_the_database():
    # Given one order processed on a channel
    uow = InMemoryUnitOfWork()
    first = make_run(uow=uow, **AUTOMATIC)
    run_order_steps(first)
    assert first.accounting.calls.count("tax_keys") == 1
    # When a worker that just started processes the next order of the same company
    second = make_run(order("M-1234567-102"), uow=uow, accounting=first.accounting, **AUTOMATIC)
    seen = len(second.accounting.calls)
    run_order_steps(second)
    # Then it takes the keys from the database, not from PayTraq
    assert "tax_keys" not in second.accounting.calls[seen:]
    assert second.item.status is InboxStatus.EMAILED


def test_tax_keys_older_than_a_day_are_read_again():
    # Given tax keys remembered yesterday
    uow = InMemoryUnitOfWork()
    first = make_run(uow=uow, **AUTOMATIC)
    run_order_steps(first)
    later = make_run(order("M-1234567-102"), uow=uow, accounting=first.accounting, **AUTOMATIC)
    later.clock.current += timedelta(days=1, minutes=1)
    seen = len(later.accounting.calls)
    # When an order is processed a day later, Then PayTraq is asked for them again
    run_order_steps(later)
    assert later.accounting.calls[seen:].count("tax_keys") == 1


def test_a_document_refused_naming_a_tax_key_makes_the_keys_be_read_again():
    # Given tax keys remembered, and PayTraq refusing the next document over a tax key
    uow = InMemoryUnitOfWork()
    first = make_run(uow=uow, **AUTOMATIC)
    run_order_steps(first)
    paytraq = first.accounting
    refused = make_run(order("M-1234567-102"), uow=uow, accounting=paytraq, **AUTOMATIC)
    paytraq.fail("create_sale", PermanentError("TaxKeyID 21 is not valid"))
    with pytest.raises(PermanentError):
        ensure_document(refused)
    assert "tax_keys" not in paytraq.calls[paytraq.calls.index("create_sale") + 1:]
    # When the order is tried again, Then the keys are read from PayTraq afresh
    again = make_run(order("M-1234567-102"), uow=uow, accounting=paytraq, **AUTOMATIC)
    seen = len(paytraq.calls)
    assert ensure_document(again)
    assert paytraq.calls[seen:].count("tax_keys") == 1
