"""`inbox trace ORDER_ID`: the calls made for one order, from the audit log, with the buyer's
personal data and every secret left out."""

from __future__ import annotations

import json

from application.order_trace import trace_order
from entrypoints.wire_trace import render

BUYER = {"name": "Ilze Kalniņa", "email": "ilze.kalnina@example.lv", "phone": "+371 29111222",
         "address": "Lāčplēša iela 77", "city": "Rīga", "zip": "LV-1011", "country": "lv"}


def test_the_trace_of_an_order_lists_its_calls_and_hides_the_buyer_and_the_keys(service):
    # Given an order that went through PayTraq
    order = service.mozello.place_order([("TT-100", 1)], BUYER, paid=True)
    service.settle()
    service.runtime.gateways.flush_audit()
    # When its trace is taken
    trace = trace_order(service.runtime.uow_factory(), service.channel_id, order["order_id"],
                        service.runtime.gateways.write_dialect(service.channel_id))
    shown = json.dumps(trace.as_dict(), ensure_ascii=False) + render(trace)
    # Then it holds the PayTraq calls made for this order, in order: the sale, its payment
    calls = [(c.api, c.method, c.path.split("/")[0]) for c in trace.calls]
    assert ("paytraq", "POST", "sale") in calls
    assert [c for c in trace.calls if c.path.endswith("/payment")]
    assert [c.at for c in trace.calls] == sorted(c.at for c in trace.calls)
    assert trace.summary["shop_total"].endswith("EUR") and "document" in trace.summary
    # and neither the buyer's personal data nor any key appears anywhere
    for secret in (BUYER["name"], BUYER["email"], BUYER["phone"], BUYER["address"],
                   service.paytraq.api_key, service.paytraq.api_token, service.mozello.api_key):
        assert secret not in shown


def test_another_orders_calls_are_not_in_the_trace(service):
    # Given two orders processed one after the other
    first = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    second = service.mozello.place_order([("TT-100", 2)], paid=True)
    service.settle()
    service.runtime.gateways.flush_audit()
    # When the first order's trace is taken
    trace = trace_order(service.runtime.uow_factory(), service.channel_id, first["order_id"],
                        service.runtime.gateways.write_dialect(service.channel_id))
    # Then it names only the first order's document
    first_doc = service.item(first["order_id"]).document.id
    second_doc = service.item(second["order_id"]).document.id
    paths = " ".join(c.path for c in trace.calls)
    assert first_doc in paths and second_doc not in paths
