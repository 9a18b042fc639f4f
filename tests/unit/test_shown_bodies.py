"""A stored body as `inbox trace` shows it: indented, personal data (the buyer's, or another
client's in a listing) replaced, and amounts, codes, tax keys and element names kept — also when
the body was cut at the size cap and does not parse."""

from __future__ import annotations

import json

from adapters.call_bodies import TRUNCATED
from adapters.shown_bodies import show_body
from application.order_trace import Redactor
from domain.orders import Address, Customer

BUYER = Customer("Ilze Kalniņa", email="ilze@example.lv", phone="+371 29111222",
                 company="Kalniņa & Co", billing_address=Address("Lāčplēša iela 77", "Rīga",
                                                                  "LV-1011"))
REDACT = Redactor(BUYER)


def test_a_paytraq_answer_hides_every_client_and_keeps_the_figures():
    # Given PayTraq's listing of clients: another client and the buyer's company
    answer = ("<?xml version='1.0' encoding='utf-8'?><Clients><Client><ClientID>7</ClientID>"
              "<Name>Other SIA</Name><Email>info@other.lv</Email><RegNumber>40003000000</RegNumber>"
              "<LegalAddress><Address>Street 1</Address><Country>LV</Country></LegalAddress>"
              "</Client><Client><ClientID>8</ClientID><Name>Kalniņa &amp; Co</Name>"
              "<InvoiceInfo></InvoiceInfo><FinancialData><Deposit>100.00</Deposit>"
              "</FinancialData></Client></Clients>")
    # When it is shown
    shown = show_body(answer, "application/xml", REDACT)
    # Then names, e-mail, number and address are placeholders; ids, amounts, country stay
    for personal in ("Other SIA", "info@other.lv", "40003000000", "Street 1", "Kalniņa"):
        assert personal not in shown
    assert "    <ClientID>7</ClientID>\n    <Name>[name]</Name>" in shown
    assert "<Deposit>100.00</Deposit>" in shown and "<Country>LV</Country>" in shown
    assert "<InvoiceInfo />" in shown  # an empty element shows it was empty


def test_a_product_name_and_the_buyers_name_in_free_text_are_told_apart():
    sent = ("<Sale><Header><Comment>For Ilze Kalniņa</Comment></Header><LineItems><LineItem>"
            "<Item><ItemID>5</ItemID><Name>Linen towel</Name></Item><Price>3.298</Price>"
            "<TaxKey><TaxKeyID>100021</TaxKeyID></TaxKey></LineItem></LineItems></Sale>")
    shown = show_body(sent, "application/xml", REDACT)
    assert "<Comment>For [buyer]</Comment>" in shown and "<Name>Linen towel</Name>" in shown
    assert "<Price>3.298</Price>" in shown and "<TaxKeyID>100021</TaxKeyID>" in shown


def test_a_mozello_order_hides_the_buyer_and_keeps_numbers_as_they_were_sent():
    order = ('{"order": {"order_id": "M-1", "name": "Ilze Kalni\\u0146a", "email": "ilze@example.lv",'
             ' "vat_id": "LV400", "total": 24.20, "shipping": {"address": "Elsewhere 5",'
             ' "country_code": "lv"}, "notes": "call Ilze Kalniņa", "cart": [{"product_sku":'
             ' "TT-100", "product_price": 12.10, "product_quantity": 2}]}}')
    shown = show_body(order, "application/json", REDACT)
    data = json.loads(shown)["order"]
    assert (data["name"], data["email"], data["vat_id"]) == ("[name]", "[e-mail]", "[VAT no.]")
    assert data["shipping"] == {"address": "[address]", "country_code": "lv"}
    assert data["notes"] == "[notes]" and data["order_id"] == "M-1"
    assert '"total": 24.20' in shown and '"product_price": 12.10' in shown
    assert data["cart"][0]["product_sku"] == "TT-100"


def test_a_body_cut_at_the_cap_is_redacted_as_text_and_keeps_its_marker():
    # Given a listing cut in the middle of another client's name
    cut = ("<Sales><Sale><Client><ClientName>Other SIA</ClientName></Client><Total>10.00</Total>"
           "</Sale><Sale><Client><ClientName>Jānis Bērz"
           + TRUNCATED.format(total=90000, kept=32768))
    # When it is shown
    shown = show_body(cut, "application/xml", REDACT)
    # Then both names are hidden, the figures and the marker stay
    assert "Other SIA" not in shown and "Jānis" not in shown
    assert "<Total>10.00</Total>" in shown and shown.count("[name]") == 2
    assert shown.endswith("[truncated by Sales Inbox: 90000 bytes in all, the first 32768 kept]")


def test_a_cut_json_body_hides_personal_keys_and_the_buyers_values():
    cut = ('{"order": {"name": "Somebody Else", "email": "ilze@example.lv", "total": 24.2, '
           '"address": "Lāčplēša iel' + TRUNCATED.format(total=40000, kept=32768))
    shown = show_body(cut, "application/json", REDACT)
    assert "Somebody" not in shown and "ilze@" not in shown and "Lāčplēša" not in shown
    assert '"total": 24.2' in shown and "[truncated by Sales Inbox" in shown
