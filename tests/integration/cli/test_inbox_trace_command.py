"""`sales-inbox inbox trace ORDER_ID`, `inbox payment ORDER_ID --booked|--not-booked` and
`inbox document ORDER_ID --created DOCUMENT_ID|--not-created`."""

from __future__ import annotations

import json

import pytest

from adapters.paytraq.sandbox.dialect import WireDialect
from adapters.paytraq.sandbox.faults import RateLimit
from application.errors import TransientError
from application.handlers.answer_checks import AnswerNotAsked
from entrypoints.runtime import get_runtime
from tests.integration.cli.conftest import invoke
from tests.integration.cli.test_inbox_commands import deliver, sales, shop  # noqa: F401
from tests.integration.e2e.test_lost_document_answer import crowded_day


def test_inbox_trace_prints_the_orders_calls_without_the_buyer(shop):  # noqa: F811
    # Given an order processed by a person
    order = deliver(shop, [("TT-100", 1)], paid=True)
    invoke("inbox", "process", order["order_id"])
    get_runtime().gateways.flush_audit()
    # When its trace is printed, as text and as JSON
    text = invoke("inbox", "trace", order["order_id"]).stdout
    trace = json.loads(invoke("inbox", "trace", order["order_id"], "--json").stdout)
    # Then it lists the PayTraq calls made for it with what they sent and got, and the buyer's
    # name and e-mail are left out
    (sale,) = [c for c in trace["calls"] if c["method"] == "POST" and c["path"] == "sale"]
    assert "<LineItems>" in sale["request"]["body"] and "<DocumentID>" in sale["response"]["body"]
    assert "redacted" in text and "calls:" in text and "<LineItems>" in text
    # and says how a new buyer is searched for on the channel (never checked: key by key)
    assert "client search: nothing shown by channel check" in text
    assert trace["client_query"] == {}
    # and how a lost answer to its sale would be looked up (never checked: by date too)
    assert "(not shown to find a DocumentRef)" in text
    assert trace["sales_query_shown_at"] is None
    assert "anna@example.com" not in text + json.dumps(trace)


def test_inbox_trace_without_bodies_lists_the_calls_only(shop):  # noqa: F811
    # Given an order processed by a person
    order = deliver(shop, [("TT-100", 1)], paid=True)
    invoke("inbox", "process", order["order_id"])
    get_runtime().gateways.flush_audit()
    # When its trace is printed with --no-bodies
    text = invoke("inbox", "trace", order["order_id"], "--no-bodies").stdout
    trace = json.loads(invoke("inbox", "trace", order["order_id"], "--json", "--no-bodies").stdout)
    # Then the calls are there, their bodies are not
    assert "POST sale  200" in text and "<LineItems>" not in text and "bodies left out" in text
    assert trace["calls"] and not any("request" in c for c in trace["calls"])


def test_an_uncertain_overpayment_is_settled_by_a_persons_answer(shop):  # noqa: F811
    # Given a PayTraq with no payments listing that loses the answer to a booked advance
    shop.paytraq.state.dialect = WireDialect.strict()
    shop.paytraq.controls.inject("POST", r"sale/\d+/payment", "drop_after_write", how="500",
                                 times=10)
    order = deliver(shop, [("TT-100", 1)], paid=True)
    with pytest.raises(TransientError):  # the real command prints it as one line
        invoke("inbox", "process", order["order_id"])
    invoke("inbox", "process", order["order_id"])  # a person (or the worker) tries again
    detail = json.loads(invoke("inbox", "show", order["order_id"], "--json").stdout)
    assert [r["code"] for r in detail["reason_details"]] == ["payment_uncertain"]
    shop.paytraq.controls.faults.clear()
    # When the person, having found it in PayTraq, answers "booked"
    result = invoke("inbox", "payment", order["order_id"], "--question", "1.0", "--booked")
    # Then the item records the payment, and PayTraq still holds exactly one
    (sale,) = sales(shop, order["order_id"])
    booked = [p for p in shop.paytraq.state.payments.values() if p.sale_id == sale.id]
    assert result.exit_code == 0 and len(booked) == 1
    assert json.loads(invoke("inbox", "show", order["order_id"], "--json").stdout)["payment"]


def test_an_answer_whose_processing_then_fails_stands_and_the_command_says_how_to_go_on(
        shop):  # noqa: F811
    # Given an overpayment PayTraq did not book, whose answer was an error: in review
    shop.paytraq.state.dialect = WireDialect.strict()
    shop.paytraq.controls.inject("POST", r"sale/\d+/payment", "error", times=10)
    order = deliver(shop, [("TT-100", 1)], paid=True)
    with pytest.raises(TransientError):
        invoke("inbox", "process", order["order_id"])
    invoke("inbox", "process", order["order_id"])
    shop.paytraq.controls.faults.clear()
    # and a PayTraq that takes one more call, then asks to wait five minutes
    shop.paytraq.controls.rate_limit = RateLimit(rate=1 / 300, burst=1)
    # When the person answers "not booked"
    result = invoke("inbox", "payment", order["order_id"], "--question", "1.0", "--not-booked")
    # Then the command fails saying the answer is recorded and how the order goes on
    assert result.exit_code == 1
    assert "answer recorded; processing it:" in result.output
    assert f"sales-inbox inbox process {order['order_id']}" in result.output
    # and the answer stands: the question is not asked again
    detail = json.loads(invoke("inbox", "show", order["order_id"], "--json").stdout)
    assert "payment_uncertain" not in [r["code"] for r in detail["reason_details"]]
    # When PayTraq takes calls again and the person does as told
    shop.paytraq.controls.rate_limit = None
    result = invoke("inbox", "process", order["order_id"])
    assert result.exit_code == 0, result.output
    # Then the payment is booked, once
    (sale,) = sales(shop, order["order_id"])
    assert len([p for p in shop.paytraq.state.payments.values() if p.sale_id == sale.id]) == 1
    assert json.loads(invoke("inbox", "show", order["order_id"], "--json").stdout)["payment"]


def test_an_uncertain_document_is_settled_by_a_persons_answer(shop):  # noqa: F811
    # Given a crowded day in PayTraq, and a 500 to the new sale (PayTraq did nothing)
    crowded_day(shop)
    shop.paytraq.controls.inject("POST", "sale", "error", times=1)
    order = deliver(shop, [("TT-100", 1)], paid=True)
    order_id = order["order_id"]
    invoke("inbox", "process", order_id)
    detail = json.loads(invoke("inbox", "show", order_id, "--json").stdout)
    assert [r["code"] for r in detail["reason_details"]] == ["document_uncertain"]
    # When the person names no question, or gives no answer, the command says how to answer
    assert "--question" in invoke("inbox", "document", order_id, "--not-created").output
    assert "exactly one of" in invoke("inbox", "document", order_id, "--question", "1.0").output
    # When they name a document that is not this order's
    other = next(iter(shop.paytraq.state.sales))
    invoke("inbox", "document", order_id, "--question", "1.0", "--created", other)
    detail = json.loads(invoke("inbox", "show", order_id, "--json").stdout)
    assert detail["status"] == "needs_review" and "check the number" in detail["reasons"][0]
    assert "--question 1.1" in detail["reasons"][0]  # asked again, as a new question
    # Then an answer to the question already answered is refused
    with pytest.raises(AnswerNotAsked, match="answered or tried again"):  # printed as a line
        invoke("inbox", "document", order_id, "--question", "1.0", "--not-created")
    assert sales(shop, order_id) == []
    # When they answer the question asked now: PayTraq has no such document
    result = invoke("inbox", "document", order_id, "--question", "1.1", "--not-created")
    # Then it is created once, and the order goes on
    assert result.exit_code == 0
    (sale,) = sales(shop, order_id)
    assert json.loads(invoke("inbox", "show", order_id, "--json").stdout)["document"]["id"] == sale.id


def test_inbox_trace_says_a_lost_answer_is_settled_by_one_search_once_the_check_showed_it(
        shop):  # noqa: F811
    # Given a channel whose check showed sales?query= finding a DocumentRef
    invoke("channel", "check", shop.channel_id, "--write-test")
    invoke("channel", "check", shop.channel_id)
    order = deliver(shop, [("TT-100", 1)], paid=True)
    invoke("inbox", "process", order["order_id"])
    # When the order's trace is printed
    text = invoke("inbox", "trace", order["order_id"]).stdout
    trace = json.loads(invoke("inbox", "trace", order["order_id"], "--json").stdout)
    # Then it says a miss there is conclusive, and since when
    assert "shown to find a DocumentRef at" in text and "a miss is conclusive" in text
    assert trace["sales_query_shown_at"] is not None
