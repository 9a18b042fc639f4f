"""PayTraq Connect through the whole service and the HTTP sandbox, where PayTraq's Sales Inbox
makes the document later than it answers, and where the answer to the delivery goes wrong:
the document is looked for on the schedule (one REST call a visit), the order is delivered
once, and a lost answer ends in exactly one document or a question to a person."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from adapters.memory.clock import SteppingClock
from application.commands import AnswerConnectCheck, ProcessOrder
from domain.inbox import InboxStatus
from entrypoints.worker.scheduler import scheduled_jobs
from tests.integration.e2e.test_paytraq_transports import use_connect

S = InboxStatus
CONNECT_PATH = r"ext/webhooks/inbox/\d+"


def sandbox(service, verb: str, control: str, **body) -> dict:
    """The PayTraq sandbox's own controls, over HTTP (as the chaos suite and curl use them)."""
    root = service.paytraq.base_url.removesuffix("/api/")
    answer = requests.request(verb, f"{root}{control}", json=body, timeout=10)
    answer.raise_for_status()
    return answer.json()


def connect_posts(service) -> list[int]:
    """The statuses of the POSTs PayTraq Connect received (0: the answer was lost)."""
    return [s.status for s in service.paytraq.controls.seen
            if s.method == "POST" and s.path.startswith("ext/webhooks/inbox/")]


def rest_calls(service) -> list[str]:
    return [s.path for s in service.paytraq.controls.seen
            if not s.path.startswith("ext/webhooks/inbox/")]


def test_a_document_paytraq_makes_later_is_found_by_the_visits_one_call_each(service):
    from entrypoints.worker import actors  # after the fixture set up the broker

    # Given a Connect channel (with REST credentials) whose PayTraq inbox keeps the messages
    use_connect(service)
    sandbox(service, "PUT", "/sandbox/connect", hold=True)
    # When a paid order is delivered to Connect
    order = service.mozello.place_order([("TT-100", 1)], paid=True, payment_method="gateway")
    service.settle()
    order_id = order["order_id"]
    item = service.item(order_id)
    assert (item.status, item.document, service.sales(order_id)) == (S.SENT, None, [])
    sent_at, jobs = item.sent_at, scheduled_jobs(service.runtime, actors)

    def sweep_at(after: timedelta) -> list[str]:
        """The sweeper ticking `after` the sending: the REST calls its visits spent."""
        before = len(rest_calls(service))
        service.runtime.clock = SteppingClock(sent_at + after, timedelta(0))
        jobs.sweep()
        service.join()
        return rest_calls(service)[before:]

    # Then a minute later nothing is due; at 2 minutes one visit asks `sales?query=`
    assert sweep_at(timedelta(minutes=1)) == []
    assert sweep_at(timedelta(minutes=2, seconds=1)) == ["sales"]
    # and 10 minutes after that visit, one more (a page of the day's sales), not before
    assert sweep_at(timedelta(minutes=11)) == []
    assert sweep_at(timedelta(minutes=12, seconds=2)) == ["sales"]
    assert [s.detail["how"] for s in service.item(order_id).steps
            if s.name == "paytraq_connect_looked_up"] == ["query", "listing"]
    # When PayTraq's inbox makes the document, and the next visit comes (30 minutes later)
    assert sandbox(service, "POST", "/sandbox/connect/release") == {"made": 1}
    assert sweep_at(timedelta(minutes=42, seconds=3)) == ["sales"]
    # Then the inbox shows PayTraq's document, approved, with its total
    (sale,) = service.sales(order_id)
    item = service.item(order_id)
    assert (item.document.id, item.document.status) == (sale.id, "in_process")
    assert item.status is S.APPROVED
    assert item.paytraq_total == service.paytraq.state.totals(sale).total
    # and Connect received exactly one POST; no more visits follow
    assert connect_posts(service) == [200]
    assert sweep_at(timedelta(hours=12)) == []


def test_a_lost_answer_after_paytraq_took_the_order_ends_in_one_document(service):
    # Given a Connect channel with REST credentials, and PayTraq losing the answer to the
    # delivery it took
    use_connect(service)
    sandbox(service, "POST", "/sandbox/faults", method="POST", path=CONNECT_PATH,
            kind="drop_after_write", how="close")
    # When a paid order arrives and the worker retries
    order = service.mozello.place_order([("TT-100", 1)], paid=True, payment_method="gateway")
    service.settle()
    # Then the retry found the document by its DocumentRef and did not deliver it again
    (sale,) = service.sales(order["order_id"])
    item = service.item(order["order_id"])
    assert item.document is not None and item.document.id == sale.id
    assert connect_posts(service) == [0]


def test_a_refusal_before_paytraq_took_the_order_is_delivered_again_at_once(service):
    # Given PayTraq Connect refusing a delivery with 429 (Too Many Requests: not taken)
    use_connect(service)
    sandbox(service, "POST", "/sandbox/faults", method="POST", path=CONNECT_PATH,
            kind="error", status=429)
    # When a paid order arrives
    order = service.mozello.place_order([("TT-100", 1)], paid=True, payment_method="gateway")
    service.settle()
    # Then it was delivered again (safe: nothing was taken) and is one document
    assert connect_posts(service) == [429, 200]
    (sale,) = service.sales(order["order_id"])
    assert service.item(order["order_id"]).document.id == sale.id


@pytest.mark.parametrize("taken", [False, True])
def test_a_server_error_goes_to_a_person_whose_answer_settles_it(service, taken):
    # Given PayTraq Connect answering 500 — having taken the order or not (the service cannot
    # tell) — while PayTraq's inbox keeps what it took without making the document yet
    use_connect(service)
    sandbox(service, "PUT", "/sandbox/connect", hold=True)
    kind = dict(kind="drop_after_write", how="500") if taken else dict(kind="error", status=500)
    sandbox(service, "POST", "/sandbox/faults", method="POST", path=CONNECT_PATH, **kind)
    # When a paid order arrives and the workers retry
    order = service.mozello.place_order([("TT-100", 1)], paid=True, payment_method="gateway")
    service.settle()
    order_id = order["order_id"]
    # Then no document shows, nothing was delivered twice, and a person is asked
    item = service.item(order_id)
    assert item.status is S.NEEDS_REVIEW
    assert [r.code.value for r in item.reasons] == ["connect_uncertain"]
    assert connect_posts(service) == [500]
    # When the person answers (`sales-inbox inbox connect ORDER_ID --delivered|--not-delivered`
    # sends these two commands) after looking in PayTraq's Sales Inbox
    bus = service.runtime.bus
    bus().handle(AnswerConnectCheck(service.channel_id, order_id, delivered=taken))
    bus().handle(ProcessOrder(service.channel_id, order_id, manual=True))
    sandbox(service, "POST", "/sandbox/connect/release")
    # Then PayTraq holds exactly one document of the order, delivered once more only if not taken
    assert len(service.sales(order_id)) == 1
    assert connect_posts(service) == ([500] if taken else [500, 200])
    assert service.item(order_id).status is S.SENT
