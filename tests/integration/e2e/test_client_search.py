"""A new buyer's client searches against the PayTraq sandbox over HTTP (issue 14), in both
behaviours the public evidence leaves open for `clients?query=`: matching registration and VAT
numbers too, or name and e-mail only. Once `channel check` has shown which, a new company
buyer costs one search; before, each key is searched in turn. Never a second client for a
buyer the search can find."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.clock import SystemClock
from adapters.paytraq.sandbox.dialect import CLIENT_QUERY_ALL, CLIENT_QUERY_NAME_EMAIL
from adapters.paytraq.sandbox.state import Client
from application.order_trace import trace_order
from application.preflight import CheckChannel, check_channel
from entrypoints.wire_trace import render

BEHAVIOURS = (CLIENT_QUERY_ALL, CLIENT_QUERY_NAME_EMAIL)


def given_paytraq(service, behaviour: str) -> None:
    """A PayTraq company whose clients an accountant entered, searched as `behaviour` says."""
    state = service.paytraq.state
    state.dialect = replace(state.dialect, client_query=behaviour)
    state.create_client(Client("", "Vecais SIA", "birojs@vecais.lv", 2, "40003000011", ""))
    state.create_client(Client("", "Koks SIA", "koks@example.lv", 2, "40003000012",
                               "LV40003000012"))


def checked(service) -> dict[str, str]:
    runtime = service.runtime
    report = check_channel(CheckChannel(service.channel_id), runtime.uow_factory(),
                           runtime.gateways, SystemClock())
    return {line.check: line.result.value for line in report.lines}


def order_of(service, buyer: dict) -> tuple[list[str], str, str]:
    """The buyer's paid order, processed: its PayTraq client calls, final status and id."""
    seen = len(service.paytraq.controls.seen)
    order = service.mozello.place_order([("TT-100", 1)], buyer, paid=True)
    service.settle()
    calls = [f"{c.method} {c.path}" for c in service.paytraq.controls.seen[seen:]
             if c.path.startswith("client")]
    return calls, service.item(order["order_id"]).status.value, order["order_id"]


def company(n: int, email: str = "") -> dict:
    return {"name": "Jānis", "email": email or f"janis{n}@example.lv",
            "company": f"SIA Jauns {n}", "company_id": f"4010300000{n}",
            "vat_id": f"LV4010300000{n}"}


def clients_with(service, field: str, value: str) -> int:
    return sum(1 for c in service.paytraq.state.clients.values() if getattr(c, field) == value)


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_once_the_check_has_shown_the_search_a_new_company_costs_one_search(service, behaviour):
    # Given a PayTraq searching clients as `behaviour` says, and the channel checked
    given_paytraq(service, behaviour)
    lines = checked(service)
    numbers = "ok" if behaviour == CLIENT_QUERY_ALL else "warning"
    assert lines["PayTraq: client found by registration number"] == numbers
    assert lines["PayTraq: client found by e-mail"] == "ok"
    assert lines["PayTraq: client searches for a new buyer"] == "ok"
    # When a company PayTraq does not know orders (reg. no., VAT no., e-mail)
    calls, status, order_id = order_of(service, company(1))
    # Then one search, one new client, and the order went through
    assert calls == ["GET clients", "POST client"], calls
    assert status == "emailed"
    assert clients_with(service, "reg_number", "40103000001") == 1
    # and the order's trace says how the channel searches for a new buyer
    trace = trace_order(service.runtime.uow_factory(), service.channel_id, order_id,
                        service.runtime.gateways.write_dialect(service.channel_id))
    matched = "reg, vat, email" if behaviour == CLIENT_QUERY_ALL else "email, not reg, vat"
    assert f"client search: clients?query= shown to match {matched}" in render(trace)


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_before_the_check_each_key_is_searched_in_turn(service, behaviour):
    given_paytraq(service, behaviour)
    calls, status, _ = order_of(service, company(2))
    assert calls == ["GET clients"] * 3 + ["POST client"], calls
    assert status == "emailed"


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
@pytest.mark.parametrize("check_first", [True, False], ids=["checked", "not-checked"])
def test_a_company_the_accountant_entered_is_found_not_created_again(service, behaviour,
                                                                     check_first):
    # Given Koks SIA entered by hand, and a channel checked or not
    given_paytraq(service, behaviour)
    if check_first:
        checked(service)
    # When Koks orders with its registration number, VAT number and e-mail
    buyer = {"name": "Anna", "email": "koks@example.lv", "company": "Koks SIA",
             "company_id": "40003000012", "vat_id": "LV40003000012"}
    calls, status, _ = order_of(service, buyer)
    # Then no client is created: Koks is still one client, and the order went through
    assert "POST client" not in calls
    assert clients_with(service, "reg_number", "40003000012") == 1
    assert status == "emailed"
    # and with the check, one search found it
    if check_first:
        assert calls == ["GET clients"], calls


def test_a_company_known_by_its_registration_number_is_found_by_the_one_search(service):
    # Given a PayTraq whose search matches registration numbers, shown by the check
    given_paytraq(service, CLIENT_QUERY_ALL)
    checked(service)
    # When Vecais SIA orders from another e-mail address, with its registration number
    buyer = {"name": "Pēteris", "email": "peteris@vecais.lv", "company": "Vecais SIA",
             "company_id": "40003000011"}
    calls, _, _ = order_of(service, buyer)
    # Then the registration-number search finds it: no second Vecais SIA
    assert calls == ["GET clients"], calls
    assert clients_with(service, "reg_number", "40003000011") == 1
