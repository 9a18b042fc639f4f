"""The PayTraq sandbox behaves like PayTraq where the client cannot see it through the port:
credentials, refusals with messages, 429 + Retry-After, the daily counter, paging, persistence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import requests

from adapters.paytraq import xml
from adapters.paytraq.sandbox.faults import RateLimit, SandboxControls
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.paytraq.sandbox.state import Product, SandboxState
from application.errors import PermanentError
from application.ports import PaymentRequest
from domain.documents import DocumentLine
from domain.paytraq_totals import TaxKey
from domain.settings import DocumentType
from tests.integration.paytraq.scenario import (
    VAT21,
    client_for,
    invoice_14_2,
    new_client,
    quiet_sandbox,
)

pytestmark = pytest.mark.integration


def get(sandbox, path: str, **params) -> requests.Response:
    return requests.get(sandbox.base_url + path, params=params, timeout=5)


def test_credentials_are_accepted_in_the_query_string_and_refused_when_missing(sandbox):
    ok = get(sandbox, "taxKeys", APIKey=sandbox.api_key, APIToken=sandbox.api_token)
    missing = get(sandbox, "taxKeys")
    assert ok.status_code == 200 and ok.headers["Content-Type"] == "application/xml"
    assert missing.status_code == 401
    assert "company license key is not valid" in xml.error_message(missing.content, 401)


def test_an_unknown_path_is_a_404_with_a_message(sandbox):
    response = get(sandbox, "taxkeys", APIKey=sandbox.api_key, APIToken=sandbox.api_token)
    assert response.status_code == 404 and "camelCase" in xml.error_message(response.content, 404)


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda d: replace(d, lines=()), "no line items"),
        (lambda d: replace(d, lines=(replace(d.lines[0], item_id="999"),)), "item 999 not found"),
        (lambda d: replace(d, lines=(replace(d.lines[0], tax_key=TaxKey("77")),)), "tax key 77 not found"),
        (lambda d: replace(d, warehouse_id="42"), "Warehouse 42 not found"),
    ],
    ids=["no lines", "unknown item", "unknown tax key", "unknown warehouse"],
)
def test_an_invalid_sale_is_refused_with_paytraqs_message(sandbox, spoil, message):
    paytraq = client_for(sandbox)
    document = spoil(invoice_14_2(paytraq, new_client(paytraq)))
    with pytest.raises(PermanentError, match=message):
        paytraq.create_sale(document)
    assert sandbox.state.sales == {}


def test_a_payment_to_an_unknown_money_account_is_refused(sandbox):
    paytraq = client_for(sandbox)
    sale_id = paytraq.create_sale(invoice_14_2(paytraq, new_client(paytraq)))
    paytraq.post_sale(sale_id)
    with pytest.raises(PermanentError, match="Money account 9999 not found"):
        paytraq.add_payment(sale_id, PaymentRequest(Decimal(1), date(2026, 2, 4), "9999", "", "WEB-10045"))


def test_posting_an_order_is_an_invalid_transition(sandbox):
    paytraq = client_for(sandbox)
    sale_id = paytraq.create_sale(
        invoice_14_2(paytraq, new_client(paytraq), sale_type=DocumentType.SALES_ORDER))
    with pytest.raises(PermanentError, match="is approved, not posted"):
        paytraq.post_sale(sale_id)
    assert paytraq.get_sale(sale_id).status == "draft"


def test_too_many_requests_get_429_with_retry_after():
    sandbox = quiet_sandbox(rate_limit=RateLimit(rate=1, burst=2))
    try:
        auth = {"APIKey": sandbox.api_key, "APIToken": sandbox.api_token}
        statuses = [get(sandbox, "taxKeys", **auth) for _ in range(3)]
        assert [r.status_code for r in statuses] == [200, 200, 429]
        assert int(statuses[2].headers["Retry-After"]) >= 1
    finally:
        sandbox.stop()


def test_the_daily_counter_refuses_calls_past_the_limit():
    sandbox = quiet_sandbox(daily_limit=2)
    try:
        auth = {"APIKey": sandbox.api_key, "APIToken": sandbox.api_token}
        statuses = [get(sandbox, "taxKeys", **auth) for _ in range(3)]
        assert [r.status_code for r in statuses] == [200, 200, 429]
        assert "Daily API request limit of 2" in xml.error_message(statuses[2].content, 429)
    finally:
        sandbox.stop()


def test_stock_is_read_page_by_page_until_a_short_page():
    # Given 230 products in warehouse 1 (19 seeded + 211 more)
    state = SandboxState.from_file()
    for n in range(211):
        state.products[f"7{n:05d}"] = Product(f"7{n:05d}", f"BULK-{n}", stock={"1": Decimal(n)})
    sandbox = PayTraqSandbox(state, controls=SandboxControls(rate_limit=None)).start()
    try:
        paytraq = client_for(sandbox)
        # When the warehouse's stock is read
        stock = list(paytraq.warehouse_stock("1"))
        # Then all 230 come back in 3 calls (100 + 100 + 30)
        assert len(stock) == 230 == len({row.code for row in stock})
        assert paytraq.calls_made == 3
        assert [s.path for s in sandbox.controls.seen] == ["products"] * 3
    finally:
        sandbox.stop()


def test_the_state_survives_a_save_and_a_load(sandbox, tmp_path):
    # Given a posted, paid invoice with a free-text line and an e-mail sent
    paytraq = client_for(sandbox)
    document = invoice_14_2(paytraq, new_client(paytraq))
    document = replace(document, lines=(*document.lines, DocumentLine(
        "GC-25", None, "Dāvanu karte [GC-25]", Decimal(1), Decimal("0.005"), VAT21)))
    sale_id = paytraq.create_sale(document)
    paytraq.post_sale(sale_id)
    paytraq.add_payment(sale_id, PaymentRequest(Decimal("5"), date(2026, 2, 4), "5011", "", "WEB-10045"))
    paytraq.send_sale(sale_id)
    before = paytraq.get_sale(sale_id)
    # When the state is saved and loaded into a new sandbox
    path = tmp_path / "paytraq.json"
    sandbox.state.save(path)
    reloaded = PayTraqSandbox(SandboxState.from_file(path),
                              controls=SandboxControls(rate_limit=None)).start()
    try:
        # Then the sale reads back the same, and new ids do not collide
        again = client_for(reloaded)
        assert again.get_sale(sale_id) == before
        assert int(new_client(again, "liga@example.com")) > int(sale_id)
    finally:
        reloaded.stop()



def test_a_sales_payments_read_back_as_real_responses_show_them(sandbox):
    # Given a posted invoice with a payment booked through the API
    paytraq = client_for(sandbox)
    sale_id = paytraq.create_sale(invoice_14_2(paytraq, new_client(paytraq)))
    paytraq.post_sale(sale_id)
    paytraq.add_payment(sale_id, PaymentRequest(Decimal("22.22"), date(2026, 2, 4), "5011",
                                                "Payment Gateway", "WEB-10045"))
    # When the sale is read back
    body = get(sandbox, f"sale/{sale_id}", APIKey=sandbox.api_key, APIToken=sandbox.api_token)
    (row,) = xml.parse(body.content).findall("Payments/Payment")
    # Then the payment shows PaymentAmount and its links, but no Comment and no money account (R3)
    assert xml.text(row, "PaymentAmount") == "22.22"
    assert [child.tag for child in row] == ["PaymentDate", "PaymentType", "PaymentAmount",
                                            "JournalID", "JournalRef", "DocumentLink"]


def test_a_zero_priced_tax_key_gets_no_taxes_row(sandbox):
    # Given a sale whose only 21 % line is free and whose shipping is on 21 % as well, at 0.00
    paytraq = client_for(sandbox)
    document = invoice_14_2(paytraq, new_client(paytraq))
    document = replace(document, lines=(replace(document.lines[0], price=Decimal("0.00")),),
                       shipping=None)
    sale_id = paytraq.create_sale(document)
    # When it is read back, Then it has no Taxes row at all (R7), and totals zero
    body = get(sandbox, f"sale/{sale_id}", APIKey=sandbox.api_key, APIToken=sandbox.api_token)
    assert xml.parse(body.content).findall("Taxes/Tax") == []
    assert paytraq.get_sale(sale_id).total == Decimal("0.00")
