"""What a person decides about an order from the console: accept a rounding mismatch, mark it
handled by hand, ignore it — each a step of the order, each refused when it makes no sense."""

from dataclasses import replace
from decimal import Decimal

import pytest

from adapters.memory.accounting import transient
from application.commands import AnswerDocumentCheck
from application.errors import LookUpUnfinished, TransientError
from application.handlers.accept_rounding import RoundingRefused
from application.handlers.person_actions import ActionNotAllowed
from application.person_commands import AcceptRounding, IgnoreOrder, MarkHandled
from domain.settings import DocumentType
from tests.unit.builders import line, order, pipeline, settings

D = Decimal
ORDER = "M-1234567-101"
ALL_ON = dict(approve=True, add_payment=True, send_email=True)


def rounding_mismatch(limit: str = "0.00"):
    """An invoice 0.02 short of the shop's total (the shop rounds VAT per line), held Draft."""
    nets = ["1.03", "1.12", "1.18", "1.36"]
    lines = tuple(line(f"S{i}", n, inclusive=False) for i, n in enumerate(nets))
    flow = pipeline(settings(document_type=DocumentType.SALES_INVOICE, **ALL_ON),
                    skus=("S0", "S1", "S2", "S3"))
    flow.receive(order(lines=lines, total="5.69", taxes="1.00"))
    set_limit(flow, limit)
    return flow


def set_limit(flow, limit: str) -> None:
    with _uow(flow) as uow:
        channel = uow.channels.get("shop-1")
        uow.channels.update(replace(channel, settings=replace(channel.settings,
                                                              rounding_limit=D(limit))))
        uow.commit()


def _uow(flow):
    from adapters.memory.uow import InMemoryUnitOfWork

    return InMemoryUnitOfWork(flow.store)


def test_accepting_a_rounding_mismatch_voids_the_draft_and_creates_it_again_adjusted():
    # Given a Draft 0.02 short, and a channel rounding limit of 0.02
    flow = rounding_mismatch(limit="0.02")
    (first,) = flow.sales()
    assert flow.item().status.value == "needs_review"
    # When the accountant accepts the rounding difference
    flow.bus().handle(AcceptRounding("shop-1", ORDER, by="anna"))
    # Then the first Draft is voided, a new document carries the no-VAT adjustment, and the
    # order goes on (posted, paid, e-mailed)
    voided, new = flow.sales()
    assert voided.id == first.id and voided.status == "voided"
    assert flow.accounting.get_sale(new.id).total == D("5.69")
    assert [(a.type.value, a.amount) for a in new.document.adjustments] == [("charge", D("0.02"))]
    item = flow.item()
    assert item.status.value == "emailed" and item.document.id == new.id
    steps = [s.name for s in item.steps]
    assert steps.index("document_voided") < len(steps) - 1 - steps[::-1].index("document_created")
    assert item.steps[steps.index("document_voided")].detail["by"] == "anna"
    # and, the first Draft's outcome being known, PayTraq was not searched for it
    assert "find_sale_by_ref" not in flow.accounting.calls


def test_a_rounding_difference_beyond_the_channel_limit_cannot_be_accepted():
    # Given a Draft 0.02 short and a limit of only 0.01
    flow = rounding_mismatch(limit="0.01")
    # When someone accepts it anyway, Then it is refused and PayTraq is untouched
    with pytest.raises(RoundingRefused, match="more than the channel's rounding limit"):
        flow.bus().handle(AcceptRounding("shop-1", ORDER, by="anna"))
    (sale,) = flow.sales()
    assert sale.status == "draft"
    assert flow.item().status.value == "needs_review"


def test_accepting_rounding_is_refused_when_the_draft_was_approved_in_paytraq_meanwhile():
    flow = rounding_mismatch(limit="0.02")
    (sale,) = flow.sales()
    flow.accounting.post_sale(sale.id)  # someone posted it in PayTraq by hand
    with pytest.raises(RoundingRefused, match="no longer an unpaid Draft"):
        flow.bus().handle(AcceptRounding("shop-1", ORDER, by="anna"))
    assert [s.status for s in flow.sales()] == ["wait_payment"]


def test_an_order_marked_handled_by_hand_is_closed_and_left_alone_by_automatic_processing():
    # Given an order held on a mismatch
    flow = rounding_mismatch()
    # When the accountant marks it handled (corrected in PayTraq)
    flow.bus().handle(MarkHandled("shop-1", ORDER, by="anna", note="fixed in PayTraq"))
    item = flow.item()
    assert item.status.value == "handled" and item.reasons == []
    assert item.steps[-1].detail == {"by": "anna", "note": "fixed in PayTraq"}
    # Then a later webhook for the same order does not process it again automatically
    flow.process(ORDER, manual=False)
    assert flow.item().status.value == "handled"


def test_process_now_opens_an_ignored_order_again():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(method="cod"))  # unmapped payment method: held for review
    flow.bus().handle(IgnoreOrder("shop-1", ORDER, by="anna"))
    assert flow.item().status.value == "ignored"
    flow.process(ORDER, manual=True)
    assert flow.item().status.value == "needs_review"


def test_a_finished_order_cannot_be_ignored():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order())
    assert flow.item().status.value == "emailed"
    with pytest.raises(ActionNotAllowed, match="cannot be ignored"):
        flow.bus().handle(IgnoreOrder("shop-1", ORDER, by="anna"))


def test_a_lost_answer_after_an_accepted_rounding_finds_the_new_draft_not_the_voided_one():
    # Given an accepted rounding whose new Draft PayTraq created, its answer lost
    flow = rounding_mismatch(limit="0.02")
    flow.accounting.fail("create_sale", transient(), after_write=True)
    with pytest.raises(TransientError):
        flow.bus().handle(AcceptRounding("shop-1", ORDER, by="anna"))
    # When the worker retries
    flow.process(ORDER, manual=False)
    # Then the new Draft is found and adopted (the voided one is never the order's document),
    # and no third document is made
    voided, new = flow.sales()
    assert voided.status == "voided"
    item = flow.item()
    assert item.document.id == new.id and item.document.adopted is True


def test_after_an_accepted_rounding_a_person_naming_the_voided_draft_is_asked_again():
    # Given an accepted rounding whose new Draft's answer was lost, the look-up unfinished
    flow = rounding_mismatch(limit="0.02")
    (first,) = flow.sales()
    flow.accounting.fail("create_sale", transient())
    flow.accounting.fail("find_sale_by_ref", LookUpUnfinished("more than 10 pages"))
    with pytest.raises(TransientError):
        flow.bus().handle(AcceptRounding("shop-1", ORDER, by="anna"))
    flow.process(ORDER, manual=False)
    assert [r.code.value for r in flow.item().reasons] == ["document_uncertain"]
    # When a person names the voided first Draft
    flow.bus().handle(AnswerDocumentCheck("shop-1", ORDER, first.id))
    flow.process(ORDER)
    # Then it is not taken again: the question is asked anew, and nothing was created
    (reason,) = flow.item().reasons
    assert "voided to be made again" in reason.message and len(flow.sales()) == 1


def test_a_new_draft_lost_before_paytraq_made_it_is_made_once_never_the_voided_one_adopted():
    # Given an accepted rounding whose new Draft's POST failed before PayTraq acted
    flow = rounding_mismatch(limit="0.02")
    (first,) = flow.sales()
    flow.accounting.fail("create_sale", transient())
    with pytest.raises(TransientError):
        flow.bus().handle(AcceptRounding("shop-1", ORDER, by="anna"))
    # When the worker retries
    flow.process(ORDER, manual=False)
    # Then the voided first Draft is not taken for the order's document: the new one is made
    voided, new = flow.sales()
    assert voided.id == first.id and voided.status == "voided"
    item = flow.item()
    assert item.document.id == new.id and item.document.adopted is False
