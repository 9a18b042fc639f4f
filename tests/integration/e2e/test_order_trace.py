"""`inbox trace ORDER_ID`: the calls made for one order, from the audit log, with what was sent
and answered, the buyer's personal data and every secret left out."""

from __future__ import annotations

import json

import requests
import sqlalchemy as sa

from adapters.storage.tables import audit_bodies, audit_log
from application.order_trace import trace_order
from entrypoints.wire_trace import render, take_trace
from tests.integration.e2e.test_paytraq_transports import use_connect

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


def stored_rows(storage) -> str:
    with storage.engine.connect() as connection:
        rows = [*connection.execute(sa.select(audit_log)), *connection.execute(
            sa.select(audit_bodies))]
    return "\n".join(repr(tuple(row)) for row in rows)


def test_the_trace_shows_the_sale_paytraq_received_and_what_it_answered(service):
    # Given an order that went through PayTraq
    order = service.mozello.place_order([("TT-100", 2)], BUYER, paid=True)
    service.settle()
    service.runtime.gateways.flush_audit()
    document = service.item(order["order_id"]).document.id
    # When its wire trace is taken, as text and as JSON
    trace = take_trace(service.runtime, service.channel_id, order["order_id"])
    text, shown = render(trace), trace.as_dict()
    # Then the POST sale shows the elements PayTraq received: the reference, the line with its
    # item, quantity, price and tax key
    (sale,) = [c for c in shown["calls"] if (c["method"], c["path"]) == ("POST", "sale")]
    sent = sale["request"]["body"]
    assert sale["request"]["content_type"] == "application/xml"
    for element in (f"<DocumentRef>{order['order_id']}</DocumentRef>", "<ItemID>500101</ItemID>",
                    "<Qty>2.00</Qty>", "<Price>24.20</Price>", "<TaxKeyID>100021</TaxKeyID>",
                    "<IncludeTax>true</IncludeTax>", "<Currency>EUR</Currency>"):
        assert element in sent
    # and PayTraq's answer: the new document, then the document read back with its totals
    assert f"<DocumentID>{document}</DocumentID>" in sale["response"]["body"]
    (read,) = [c for c in shown["calls"]
               if (c["method"], c["path"]) == ("GET", f"sale/{document}")][:1]
    assert "<Total>48.40</Total>" in read["response"]["body"]
    assert "<TaxAmount>8.40</TaxAmount>" in read["response"]["body"]
    # and the text shows the same bodies, indented under the call
    assert "POST sale  200" in text and "    request (application/xml):" in text
    assert "          <TaxKeyID>100021</TaxKeyID>" in text
    # and the buyer's name, e-mail, phone and address appear nowhere, placeholders do
    for personal in (BUYER["name"], BUYER["email"], BUYER["phone"], BUYER["address"]):
        assert personal not in text + json.dumps(shown, ensure_ascii=False)
    assert "<ShipTo>[name]</ShipTo>" in sent and "<Address>[address]</Address>" in sent


def test_no_secret_is_stored_or_shown_even_when_a_body_carries_one(service, storage):
    # Given a buyer whose address line happens to hold the channel's PayTraq token and key
    keys = (service.paytraq.api_key, service.paytraq.api_token, service.mozello.api_key)
    buyer = dict(BUYER, address=f"Lāčplēša iela 77 {service.paytraq.api_token} "
                                f"{service.paytraq.api_key}")
    order = service.mozello.place_order([("TT-100", 1)], buyer, paid=True)
    service.settle()
    service.runtime.gateways.flush_audit()
    # When the stored calls and the trace are read
    stored = stored_rows(storage)
    trace = take_trace(service.runtime, service.channel_id, order["order_id"])
    shown = render(trace) + json.dumps(trace.as_dict(), ensure_ascii=False)
    # Then the bodies were stored, the secrets in them masked before they were
    assert "<LineItems>" in stored and "Lāčplēša iela 77 *** ***" in stored
    for secret in keys:
        assert secret not in stored and secret not in shown


def test_calls_made_for_no_order_keep_no_bodies(service, storage):
    # Given an order, then a stock sync (pages of products, made for no order)
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    answer = requests.post(f"{service.base_url}/api/channels/{service.channel_id}/sync",
                           headers=service.api_headers, timeout=10)
    assert answer.status_code == 202
    service.join()
    service.runtime.gateways.flush_audit()
    # When the audit log is read
    with storage.engine.connect() as connection:
        kept = connection.execute(
            sa.select(audit_log.c.order_id, audit_log.c.path, audit_bodies.c.audit_id)
            .select_from(audit_log.outerjoin(audit_bodies,
                                             audit_bodies.c.audit_id == audit_log.c.id))
        ).all()
    # Then every call of the order has its bodies, and no call of the sync has any
    assert {row.order_id for row in kept if row.audit_id is not None} == {order["order_id"]}
    assert all(row.audit_id is not None for row in kept if row.order_id)
    assert any(row.order_id is None and row.path.startswith("products") for row in kept)


def test_over_paytraq_connect_the_trace_shows_the_payload_and_never_the_connect_url(service,
                                                                                  storage):
    # Given a channel on PayTraq Connect (whose URL is the secret) and an order sent through it
    use_connect(service)
    order = service.mozello.place_order([("TT-100", 1)], BUYER, paid=True)
    service.settle()
    service.runtime.gateways.flush_audit()
    # When its trace is taken
    trace = take_trace(service.runtime, service.channel_id, order["order_id"])
    text = render(trace)
    # Then the one Connect call shows the payload PayTraq's inbox received, buyer left out
    (sent,) = [c for c in trace.calls if c.path == "ext/webhooks/inbox/***"]
    body = sent.bodies.request_body
    assert "<Total>24.20</Total>" in body and "<AutoProcessing>" in body
    assert "<ClientEmail>[e-mail]</ClientEmail>" in body and BUYER["email"] not in text
    # and the Connect URL, or its channel id, is neither stored nor shown
    channel = service.paytraq.connect_url.rstrip("/").rsplit("/", 1)[-1]
    stored = stored_rows(storage)
    assert channel not in stored and channel not in text
