"""Reading PayTraq's `GET sale/{id}` (§7.3, §7.4, §8.2): what the order flow needs from it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.paytraq import xml

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "paytraq" / "sale_paid_invoice.xml"


@pytest.fixture
def body() -> bytes:
    return FIXTURE.read_bytes()


def test_a_paid_invoice_reads_back_with_totals_tax_and_status(body):
    sale = xml.sale_record(body)
    assert (sale.id, sale.ref, sale.sale_type, sale.status) == (
        "15600001", "WEB-10045", "sales_invoice", "paid")
    assert (sale.total, sale.amount_due, sale.tax) == (Decimal("22.22"), Decimal("0.00"), Decimal("3.86"))
    assert sale.client_id == "900123"
    assert sale.updated == "2026-02-04T17:56:08Z"
    assert sale.warehouse_id == "3001"


def test_payments_and_emails_are_read_from_the_document(body):
    sale = xml.sale_record(body)
    assert len(sale.payments) == 1
    payment = sale.payments[0]
    assert (payment.amount, payment.date, payment.paytraq_id) == (
        Decimal("22.22"), date(2026, 2, 4), "15600002")
    assert payment.comment == "" and payment.money_account_id is None
    assert sale.emailed_to == ("janis.berzins@example.lv",)


def test_lines_give_item_code_and_quantity_and_free_text_lines_have_no_item(body):
    lines = xml.sale_lines(body)
    assert (lines.id, lines.warehouse_id, lines.updated) == ("15600001", "3001", "2026-02-04T17:56:08Z")
    assert [(li.item_id, li.code, li.qty) for li in lines.lines] == [
        ("500101", "GLV-BLK-M", Decimal("2.00")),
        (None, "", Decimal("1.00")),
    ]


def test_a_body_without_charset_is_decoded_as_utf8(body):
    # Given the bytes PayTraq sends (no XML declaration, no charset), When parsed
    root = xml.parse(body)
    # Then Latvian letters survive
    assert xml.text(root, "Header/Document/Client/ClientName") == "Jānis Bērziņš"
    assert xml.text(root, "Header/Comment").endswith("Lūdzu zvanīt pirms piegādes")


def test_the_tax_is_the_sum_of_every_tax_row():
    body = b"""<Sale><Header><Document><DocumentID>1</DocumentID></Document><Total>35.00</Total></Header>
    <Taxes><Tax><TaxAmount>3.47</TaxAmount></Tax><Tax><TaxAmount>1.07</TaxAmount></Tax></Taxes></Sale>"""
    assert xml.sale_record(body).tax == Decimal("4.54")


def test_a_body_that_is_not_a_sale_is_refused():
    with pytest.raises(xml.UnreadableAnswer):
        xml.sale_record(b"<Client><ClientID>1</ClientID></Client>")
    with pytest.raises(xml.UnreadableAnswer):
        xml.sale_record(b"<Sale><Header>")


def test_a_create_answer_gives_the_new_id():
    assert xml.created_id(b"<Response><DocumentID>15600001</DocumentID></Response>", "DocumentID") == "15600001"
    assert xml.created_id(b"<Response><ClientID>900123</ClientID></Response>", "ClientID") == "900123"
    assert xml.optional_created_id(b"<Response><PaymentID>77</PaymentID></Response>") == "77"
    assert xml.optional_created_id(b"") is None


def test_tax_keys_without_a_rate_carry_no_vat():
    keys = xml.tax_keys(b"""<TaxKeys><TaxKey><TaxKeyID>1</TaxKeyID><TaxKeyName>PVN 21%</TaxKeyName>
        <TaxRate>21</TaxRate></TaxKey><TaxKey><TaxKeyID>2</TaxKeyID><TaxKeyName>nav PVN</TaxKeyName>
        <TaxRate/></TaxKey></TaxKeys>""")
    assert [(k.id, k.name, k.rate) for k in keys] == [("1", "PVN 21%", Decimal(21)), ("2", "nav PVN", None)]
