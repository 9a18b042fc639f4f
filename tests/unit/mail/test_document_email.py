"""The e-mail that carries a sale document: built without any network."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest

from adapters.mailers.document_email import document_email
from application.errors import PermanentError
from tests.unit.mail.examples import BUYER, ORDER_ID, PDF, SENDER, SENT_AT, a_sale, an_item


def built(item, to: str = BUYER):
    """The message as it would leave for the SMTP server, read back by a mail client."""
    message = document_email(item, a_sale(item), to, SENDER, PDF, SENT_AT)
    return message, BytesParser(policy=policy.default).parsebytes(message.as_bytes())


@pytest.mark.parametrize(
    ("sale_type", "subject"),
    [
        ("sales_invoice", f"Rēķins / Invoice {ORDER_ID} — pasūtījums / order {ORDER_ID}"),
        ("sales_order", f"Pasūtījums / Order {ORDER_ID} — pasūtījums / order {ORDER_ID}"),
        ("sales_proforma", f"Avansa rēķins / Proforma invoice {ORDER_ID} — pasūtījums / order {ORDER_ID}"),
        ("sales_receipt", f"Čeks / Receipt {ORDER_ID} — pasūtījums / order {ORDER_ID}"),
        ("sales_estimate", f"Dokuments / Document {ORDER_ID} — pasūtījums / order {ORDER_ID}"),
    ],
)
def test_subject_names_the_document_in_latvian_and_english_by_sale_type(sale_type, subject):
    # Given a document of this sale type
    item = an_item(sale_type=sale_type)
    # When its e-mail is built and read back
    _, received = built(item)
    # Then the subject names it in both languages, with the order number
    assert received["Subject"] == subject


def test_latvian_letters_are_encoded_so_that_the_message_itself_is_plain_ascii():
    # Given a buyer with a Latvian name and a sender with a Latvian shop name
    item = an_item(buyer_name="Anna Bērziņa")
    # When the e-mail is serialised for SMTP
    message, received = built(item)
    raw = message.as_bytes()
    # Then every header and the body travel as 7-bit ASCII (RFC 2047 words, quoted-printable)...
    assert raw.isascii()
    # ...and a mail client decodes the Latvian letters back
    assert received["Subject"].startswith("Rēķins")
    assert received["To"].addresses[0].display_name == "Anna Bērziņa"
    assert received["From"].addresses[0].display_name == "Veikals Pērle"
    assert "Labdien, Anna Bērziņa!" in received.get_body(("plain",)).get_content()


def test_body_speaks_latvian_first_then_english_naming_order_and_document():
    # Given an invoice for an order
    item = an_item(sale_type="sales_invoice")
    # When its e-mail is built
    _, received = built(item)
    text = received.get_body(("plain",)).get_content()
    # Then the Latvian text comes before the English one and both name the order and document
    latvian = text.index(f"Pielikumā ir rēķins Nr. {ORDER_ID} par jūsu pasūtījumu {ORDER_ID}.")
    english = text.index(f"Attached is the invoice {ORDER_ID} for your order {ORDER_ID}.")
    assert latvian < english


def test_buyer_without_a_name_is_greeted_without_one():
    # Given an order whose buyer left the name empty
    item = an_item(buyer_name="  ")
    # When its e-mail is built
    _, received = built(item)
    text = received.get_body(("plain",)).get_content()
    # Then the greetings stand on their own
    assert text.startswith("Labdien!\n")
    assert "\nHello,\n" in text
    assert received["To"].addresses[0].addr_spec == BUYER


def test_pdf_is_attached_unchanged_as_application_pdf_named_after_the_document():
    # Given a document and its PDF from PayTraq
    item = an_item()
    # When its e-mail is built and read back
    _, received = built(item)
    (attachment,) = list(received.iter_attachments())
    # Then the PDF is attached byte for byte, typed and named after the document reference
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{ORDER_ID}.pdf"
    assert attachment.get_content() == PDF


def test_headers_carry_sender_buyer_date_and_the_documents_message_id():
    # Given a document of channel shop-1
    item = an_item()
    # When its e-mail is built
    _, received = built(item)
    # Then From is the shop, To the buyer, Date the sending time, Message-ID the document's own
    assert received["From"].addresses[0].addr_spec == "rekini@perle.example"
    assert received["To"].addresses[0].addr_spec == BUYER
    assert received["Date"].datetime == SENT_AT
    assert received["Message-ID"].endswith("@perle.example>")


@pytest.mark.parametrize("address", ["", "anna", "anna@", "anna@example", "a b@example.com",
                                     "anna@example.com\r\nBcc: all@example.com"])
def test_invalid_buyer_address_is_a_permanent_error(address):
    # Given an order whose e-mail address cannot be delivered to
    item = an_item()
    # When its e-mail is built, Then it is refused for a person to fix
    with pytest.raises(PermanentError, match="not valid"):
        document_email(item, a_sale(item), address, SENDER, PDF, SENT_AT)
