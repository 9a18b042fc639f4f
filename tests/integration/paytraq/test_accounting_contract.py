"""The AccountingPort contract: the in-memory fake and the PayTraq client talking HTTP to the
sandbox must behave the same, so unit tests on the fake say something true about PayTraq."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from application.errors import NotFound
from application.ports import PaymentRequest
from domain.settings import DocumentType
from tests.integration.paytraq.scenario import (
    BANK_ACCOUNT,
    GATEWAY_ACCOUNT,
    RETAIL_PRICES,
    SEED,
    WAREHOUSE,
    invoice_14_2,
    new_client,
)

pytestmark = pytest.mark.integration


def payment(reference: str, amount: str, account: str = GATEWAY_ACCOUNT) -> PaymentRequest:
    return PaymentRequest(Decimal(amount), date(2026, 2, 4), account, "Payment Gateway", reference)


def test_a_created_client_is_found_by_its_email(company):
    # Given a new client
    client_id = new_client(company.port, email="anna@example.com")
    # When we search by the e-mail
    found = company.port.search_clients("anna@example.com")
    # Then the client is there with its id and e-mail
    assert [(c.id, c.email, c.name) for c in found] == [(client_id, "anna@example.com", "Jānis Bērziņš")]


def test_find_item_id_matches_the_whole_code_only(company):
    # Given products TT-100 and TT-100-SET
    # When we look up codes, including one that is a prefix of both
    whole = company.port.find_item_id("TT-100")
    longer = company.port.find_item_id("TT-100-SET")
    prefix = company.port.find_item_id("TT-10")
    # Then only exact codes match, each to its own item
    assert whole and longer and whole != longer
    assert prefix is None
    assert company.port.find_item_id("NO-SUCH-SKU") is None


def test_tax_keys_carry_their_rates(company):
    keys = {k.name: k.rate for k in company.port.tax_keys()}
    assert keys == {"PVN 21%": Decimal(21), "PVN 12%": Decimal(12), "PVN 0%": Decimal(0), "nav PVN": None}


def test_a_created_sale_is_a_draft_with_paytraq_totals(company):
    # Given a client and the §14.2 invoice
    document = invoice_14_2(company.port, new_client(company.port))
    # When it is created and read back
    sale = company.port.get_sale(company.port.create_sale(document))
    # Then it is a draft with PayTraq's document-level VAT
    assert (sale.status, sale.sale_type, sale.ref) == ("draft", "sales_invoice", "WEB-10045")
    assert (sale.total, sale.tax, sale.amount_due) == (Decimal("22.22"), Decimal("3.86"), Decimal("22.22"))
    assert sale.client_id == document.client_id
    assert sale.warehouse_id == WAREHOUSE


def test_find_sale_by_ref_needs_the_exact_reference(company):
    # Given sales WEB-1 and WEB-10
    client_id = new_client(company.port)
    first = company.port.create_sale(invoice_14_2(company.port, client_id, ref="WEB-10"))
    company.port.create_sale(invoice_14_2(company.port, client_id, ref="WEB-100"))
    # When we look for WEB-10 and for an unknown reference
    found = company.port.find_sale_by_ref("WEB-10")
    # Then only the exact one is found
    assert found is not None and (found.id, found.ref) == (first, "WEB-10")
    assert company.port.find_sale_by_ref("WEB-1") is None


def test_a_sale_not_voided_is_found_before_a_voided_one_and_excluded_ids_never(company):
    # Given a Draft voided to be made again (an accepted rounding)
    client_id = new_client(company.port)
    voided = company.port.create_sale(invoice_14_2(company.port, client_id, ref="WEB-7"))
    company.port.void_sale(voided)
    # Then, alone, it is found (a person may have voided the order's document), unless excluded
    assert company.port.find_sale_by_ref("WEB-7", date(2026, 2, 4)).id == voided
    assert company.port.find_sale_by_ref("WEB-7", date(2026, 2, 4), exclude={voided}) is None
    # and once its replacement exists, the replacement is the one found
    live = company.port.create_sale(invoice_14_2(company.port, client_id, ref="WEB-7"))
    assert company.port.find_sale_by_ref("WEB-7").id == live


def test_approving_an_order_puts_it_in_process_and_repeating_is_harmless(company):
    # Given a draft sales order
    document = invoice_14_2(company.port, new_client(company.port), sale_type=DocumentType.SALES_ORDER)
    sale_id = company.port.create_sale(document)
    # When it is approved twice
    company.port.approve_sale(sale_id)
    company.port.approve_sale(sale_id)
    # Then it is in process
    assert company.port.get_sale(sale_id).status == "in_process"


def test_posting_an_invoice_makes_it_wait_for_payment(company):
    sale_id = company.port.create_sale(invoice_14_2(company.port, new_client(company.port)))
    company.port.post_sale(sale_id)
    assert company.port.get_sale(sale_id).status == "wait_payment"


def test_paying_a_posted_invoice_in_full_marks_it_paid_and_the_payment_is_found(company):
    # Given a posted invoice of 22.22
    sale_id = company.port.create_sale(invoice_14_2(company.port, new_client(company.port)))
    company.port.post_sale(sale_id)
    assert company.port.find_payment(sale_id, "WEB-10045") is None
    # When it is paid in full
    receipt = company.port.add_payment(sale_id, payment("WEB-10045", "22.22"))
    # Then it is paid, nothing is due, and the payment is found by its order reference
    sale = company.port.get_sale(sale_id)
    assert (sale.status, sale.amount_due) == ("paid", Decimal("0.00"))
    assert [p.amount for p in sale.payments] == [Decimal("22.22")]
    assert receipt.overpayment is False
    found = company.port.find_payment(sale_id, "WEB-10045")
    assert found is not None and found.amount == Decimal("22.22") and not found.overpayment
    assert company.port.find_payment(sale_id, "WEB-1004") is None


def test_a_payment_on_a_sales_order_is_booked_as_overpayment(company):
    # Given an approved sales order
    document = invoice_14_2(company.port, new_client(company.port), ref="M-1-7",
                            sale_type=DocumentType.SALES_ORDER)
    sale_id = company.port.create_sale(document)
    company.port.approve_sale(sale_id)
    # When the shop's payment is added
    receipt = company.port.add_payment(sale_id, payment("M-1-7", "22.22", BANK_ACCOUNT))
    # Then it is the client's advance: the order still shows the whole amount due
    sale = company.port.get_sale(sale_id)
    assert receipt.overpayment is True and receipt.amount == Decimal("22.22")
    assert (sale.status, sale.amount_due, sale.payments) == ("in_process", Decimal("22.22"), ())
    found = company.port.find_payment(sale_id, "M-1-7")
    assert found is not None and found.overpayment and found.amount == Decimal("22.22")
    assert company.port.find_payment(sale_id, "M-1-70") is None


def test_a_voided_sale_owes_nothing(company):
    document = invoice_14_2(company.port, new_client(company.port), sale_type=DocumentType.SALES_ORDER)
    sale_id = company.port.create_sale(document)
    company.port.approve_sale(sale_id)
    company.port.void_sale(sale_id)
    sale = company.port.get_sale(sale_id)
    assert (sale.status, sale.amount_due) == ("voided", Decimal("0.00"))


def test_sending_a_sale_records_whom_it_was_emailed_to(company):
    # Given a sale of a client with an e-mail
    sale_id = company.port.create_sale(invoice_14_2(company.port, new_client(company.port)))
    # When it is sent to the client, then to another address
    company.port.send_sale(sale_id)
    company.port.send_sale(sale_id, "accounts@example.lv")
    # Then both deliveries are in the sale's message log
    assert company.port.get_sale(sale_id).emailed_to == ("janis.berzins@example.lv", "accounts@example.lv")


def test_a_sale_has_a_pdf(company):
    sale_id = company.port.create_sale(invoice_14_2(company.port, new_client(company.port)))
    assert company.port.sale_pdf(sale_id).startswith(b"%PDF-")


def test_warehouse_stock_lists_every_product_with_its_quantity(company):
    stock = {row.code: row for row in company.port.warehouse_stock(WAREHOUSE)}
    assert stock["TT-100"].qty == Decimal(25)
    assert stock["SW-200-GR-M"].qty == Decimal(0)
    assert stock["TT-100"].item_id == company.port.find_item_id("TT-100")
    assert len(stock) == len(SEED["products"])


def test_approved_orders_list_the_orders_in_process_with_their_lines(company):
    # Given an approved order, a draft order and a posted invoice
    client_id = new_client(company.port)
    approved = company.port.create_sale(
        invoice_14_2(company.port, client_id, ref="M-1-1", sale_type=DocumentType.SALES_ORDER))
    company.port.approve_sale(approved)
    company.port.create_sale(
        invoice_14_2(company.port, client_id, ref="M-1-2", sale_type=DocumentType.SALES_ORDER))
    invoice = company.port.create_sale(invoice_14_2(company.port, client_id, ref="M-1-3"))
    company.port.post_sale(invoice)
    # When the approved orders and their lines are read
    orders = company.port.approved_orders()
    lines = company.port.sale_lines(approved)
    # Then only the approved order is listed, with its warehouse and lines
    assert [(o.id, o.ref, o.status) for o in orders] == [(approved, "M-1-1", "in_process")]
    assert orders[0].updated
    assert (lines.id, lines.warehouse_id) == (approved, WAREHOUSE)
    assert [(li.item_id, li.code, li.qty) for li in lines.lines] == [
        (company.port.find_item_id("NB-A5"), "NB-A5", Decimal(2)),
        (company.port.find_item_id("WS-01"), "WS-01", Decimal(1)),
    ]


def test_price_list_gives_the_price_group_prices(company):
    prices = {row.code: row for row in company.port.price_list(RETAIL_PRICES)}
    assert prices["TT-100"].price == Decimal("24.20")
    assert prices["PS-3"].price == Decimal("7.50")
    assert prices["TT-100"].item_id == company.port.find_item_id("TT-100")
    assert prices["TT-100"].currency == "EUR"


def test_an_unknown_sale_is_not_found(company):
    with pytest.raises(NotFound):
        company.port.get_sale("999999999")


def test_a_payment_on_a_draft_invoice_is_refused(company):
    from application.errors import PermanentError

    sale_id = company.port.create_sale(invoice_14_2(company.port, new_client(company.port)))
    with pytest.raises(PermanentError):
        company.port.add_payment(sale_id, payment("WEB-10045", "22.22"))


def test_a_sale_for_an_unknown_client_is_refused(company):
    from application.errors import PermanentError

    document = replace(invoice_14_2(company.port, new_client(company.port)), client_id="424242")
    with pytest.raises(PermanentError):
        company.port.create_sale(document)


def test_a_sale_whose_shipping_tax_key_paytraq_does_not_have_is_refused(company):
    from application.errors import PermanentError
    from domain.documents import ShippingCharge
    from domain.paytraq_totals import TaxKey

    document = invoice_14_2(company.port, new_client(company.port))
    unknown = replace(document, shipping=ShippingCharge(Decimal("2.99"), TaxKey("4242", "?", None)))
    with pytest.raises(PermanentError, match="4242"):
        company.port.create_sale(unknown)
    assert company.port.find_sale_by_ref(document.document_ref) is None
