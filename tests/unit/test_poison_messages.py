"""An error that the same input raises every time fails the order at once, with its reason:
no retry storm, no dead letter, no sweeper loop (issue 13, defect 3)."""

from decimal import InvalidOperation

from application.errors import TransientError, is_deterministic
from tests.unit.builders import order, pipeline, settings


def test_an_arithmetic_error_fails_the_order_permanently_with_its_reason():
    # Given a PayTraq step that overflows Decimal arithmetic
    flow = pipeline(settings())
    flow.accounting.fail("create_sale", InvalidOperation("[<class 'decimal.InvalidOperation'>]"))
    # When the order is processed (no exception reaches the worker: nothing to retry)
    flow.receive(order())
    # Then the item is failed for a person, not for the automatic retries or the sweeper
    item = flow.item()
    assert item.status.value == "failed"
    assert item.error.startswith("InvalidOperation")
    assert item.error_transient is False
    assert item.awaits_work(settings()) is False


def test_deterministic_and_transient_errors_are_told_apart():
    assert is_deterministic(InvalidOperation()) and is_deterministic(RecursionError())
    assert is_deterministic(KeyError("total")) and is_deterministic(TypeError())
    assert not is_deterministic(TransientError("timeout"))
    assert not is_deterministic(ConnectionError("redis is down"))
