"""How the process_order handler records a step that breaks: transient failures are raised for
the worker to retry; permanent ones and broken domain rules leave the item failed, for a person."""

from __future__ import annotations

import pytest

from adapters.memory.accounting import transient
from application.errors import PermanentError
from domain.errors import IllegalInboxTransition
from domain.inbox import InboxStatus
from tests.unit.builders import order, pipeline


def test_a_broken_domain_rule_leaves_the_item_failed_and_is_not_raised():
    # Given an order whose processing breaks an inbox rule
    flow = pipeline()
    flow.receive(order())
    flow.accounting.fail("get_sale", IllegalInboxTransition(
        "M-1234567-101", InboxStatus.CANCELLED, InboxStatus.APPROVED))
    # When it is processed
    flow.process("M-1234567-101")
    # Then the item is failed for good, with the reason
    item = flow.item()
    assert item.status is InboxStatus.FAILED and not item.error_transient
    assert "cannot go from cancelled to approved" in item.error


def test_a_permanent_error_leaves_the_item_failed_and_is_not_raised():
    flow = pipeline()
    flow.receive(order())
    flow.accounting.fail("get_sale", PermanentError("the API rejected the credentials"))
    flow.process("M-1234567-101")
    assert flow.item().status is InboxStatus.FAILED and not flow.item().error_transient


def test_a_transient_error_is_recorded_and_raised_for_the_worker_to_retry():
    flow = pipeline()
    flow.receive(order())
    flow.accounting.fail("get_sale", transient())
    with pytest.raises(Exception, match="did not answer"):
        flow.process("M-1234567-101")
    assert flow.item().status is InboxStatus.FAILED and flow.item().error_transient
