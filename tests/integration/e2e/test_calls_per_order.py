"""PayTraq calls an order costs, counted in the PayTraq sandbox's request log (issue 14): a
repeat buyer's order on a channel whose write test passed costs at most 4; on a channel
without it, the document is still read back after it is created."""

from __future__ import annotations

from adapters.clock import SystemClock
from application.preflight import CheckChannel, check_channel


def calls_for_repeat_order(service) -> list[str]:
    """A repeat buyer's paid order (the buyer known from a first order): its PayTraq calls."""
    service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    seen = len(service.paytraq.controls.seen)
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    assert service.item(order["order_id"]).status.value == "emailed"
    return [f"{c.method} {c.path.split('?')[0]}" for c in service.paytraq.controls.seen[seen:]]


def write_test(service) -> None:
    runtime = service.runtime
    report = check_channel(CheckChannel(service.channel_id, write_test=True),
                           runtime.uow_factory(), runtime.gateways, SystemClock())
    kept = next(line for line in report.lines
                if line.check == "PayTraq: documents kept as sent (write test)")
    assert kept.result.value == "ok", report.lines


def test_a_repeat_buyers_order_costs_at_most_4_calls_once_the_write_test_passed(service):
    # Given a channel whose write test showed PayTraq keeps documents as sent
    write_test(service)
    # When a repeat buyer's paid order is processed
    calls = calls_for_repeat_order(service)
    # Then it cost at most 4 PayTraq calls, none of them reading the document back
    assert len(calls) <= 4, calls
    assert not any(call.startswith("GET sale/") for call in calls), calls


def test_a_channel_without_the_write_test_still_reads_the_document_back(service):
    # Given a channel whose write test never ran
    # When a repeat buyer's paid order is processed
    calls = calls_for_repeat_order(service)
    # Then the document was read back right after it was created
    created = next(i for i, call in enumerate(calls) if call == "POST sale")
    assert calls[created + 1].startswith("GET sale/"), calls
    assert len(calls) == 5, calls
