"""The document reaches a real SMTP server intact, in each of the three security modes."""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
import structlog
from structlog.testing import capture_logs

from tests.integration.mail.smtp_server import Login, Mailbox
from tests.unit.mail.examples import BUYER, ORDER_ID, PDF, a_sale, an_item

pytestmark = pytest.mark.integration

USER, PASSWORD = "rekini@perle.example", "Slepen1-parole"


@contextmanager
def every_log_line():
    """capture_logs(), with the test run's WARNING threshold lowered for the duration."""
    previous = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
    try:
        with capture_logs() as logs:
            yield logs
    finally:
        structlog.configure(**previous)


def test_document_arrives_with_its_pdf_byte_for_byte(smtp_server, mailer_on):
    # Given a plain SMTP server
    mailbox = Mailbox()
    port = smtp_server(mailbox)
    item = an_item()
    # When the document is e-mailed
    mailer_on(port).send_document(item, a_sale(item), BUYER)
    # Then one message arrived, from the shop to the buyer, with the PDF unchanged
    (received,) = mailbox.received
    assert received.mail_from == "rekini@perle.example"
    assert received.rcpt_tos == (BUYER,)
    (attachment,) = list(received.message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{ORDER_ID}.pdf"
    assert attachment.get_content() == PDF


def test_latvian_letters_in_subject_body_and_buyer_name_survive_delivery(smtp_server, mailer_on):
    # Given a buyer with a Latvian name
    mailbox = Mailbox()
    port = smtp_server(mailbox)
    item = an_item(buyer_name="Jānis Ozoliņš-Čakste")
    # When the document is e-mailed
    mailer_on(port).send_document(item, a_sale(item), BUYER)
    # Then what the server stored is 7-bit clean and decodes back to the Latvian letters
    (received,) = mailbox.received
    message = received.message
    assert received.content.isascii()
    assert message["Subject"] == f"Rēķins / Invoice {ORDER_ID} — pasūtījums / order {ORDER_ID}"
    assert message["To"].addresses[0].display_name == "Jānis Ozoliņš-Čakste"
    body = message.get_body(("plain",)).get_content()
    assert "Labdien, Jānis Ozoliņš-Čakste!" in body
    assert "Pielikumā ir rēķins" in body and "Paldies par pirkumu!" in body


def test_login_over_starttls_with_the_servers_certificate_delivers(smtp_server, mailer_on,
                                                                   certificate):
    # Given a server that requires STARTTLS before AUTH, with a self-signed certificate
    mailbox, login = Mailbox(), Login(USER, PASSWORD)
    port = smtp_server(mailbox, tls_context=certificate.server_context(), require_starttls=True,
                       authenticator=login, auth_required=True)
    mailer = mailer_on(port, certificate.client_context(), security="starttls",
                       user=USER, password=PASSWORD)
    item = an_item()
    # When the document is e-mailed
    mailer.send_document(item, a_sale(item), BUYER)
    # Then the mailer logged in over TLS and the message arrived
    assert login.logged_in == [USER]
    assert len(mailbox.received) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_without_tls_when_the_channel_says_none(smtp_server, mailer_on):
    # Given a server that accepts AUTH without TLS (auth_require_tls=False)
    mailbox, login = Mailbox(), Login(USER, PASSWORD)
    port = smtp_server(mailbox, authenticator=login, auth_required=True, auth_require_tls=False)
    item = an_item()
    # When the document is e-mailed with security "none"
    mailer_on(port, user=USER, password=PASSWORD).send_document(item, a_sale(item), BUYER)
    # Then the mailer logged in and the message arrived
    assert login.logged_in == [USER]
    assert len(mailbox.received) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_ssl_delivers(smtp_server, mailer_on, certificate):
    # Given a server speaking TLS from the first byte (SMTPS), with AUTH
    mailbox, login = Mailbox(), Login(USER, PASSWORD)
    # (aiosmtpd does not notice implicit TLS, so it must be told AUTH without STARTTLS is fine)
    port = smtp_server(mailbox, ssl_context=certificate.server_context(), authenticator=login,
                       auth_required=True, auth_require_tls=False)
    mailer = mailer_on(port, certificate.client_context(), security="ssl",
                       user=USER, password=PASSWORD)
    item = an_item()
    # When the document is e-mailed with security "ssl"
    mailer.send_document(item, a_sale(item), BUYER)
    # Then it arrived with its PDF intact
    assert login.logged_in == [USER]
    (attachment,) = list(mailbox.received[0].message.iter_attachments())
    assert attachment.get_content() == PDF


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_password_with_latvian_letters_logs_in_as_utf8(smtp_server, mailer_on, certificate,
                                                       mechanism):
    # Given a mailbox whose password has Latvian letters (smtplib alone sends ASCII only),
    # on a server offering only this AUTH mechanism
    mailbox, login = Mailbox(), Login(USER, "Ābele-ķēniņš-7")
    others = [m for m in ("PLAIN", "LOGIN") if m != mechanism]
    port = smtp_server(mailbox, tls_context=certificate.server_context(), require_starttls=True,
                       authenticator=login, auth_required=True, auth_exclude_mechanism=others)
    mailer = mailer_on(port, certificate.client_context(), security="starttls",
                       user=USER, password="Ābele-ķēniņš-7")
    item = an_item()
    # When the document is e-mailed
    mailer.send_document(item, a_sale(item), BUYER)
    # Then the login succeeded and the message arrived
    assert login.logged_in == [USER]
    assert len(mailbox.received) == 1


def test_log_line_names_server_and_message_but_never_the_password(smtp_server, mailer_on):
    # Given a server with AUTH
    mailbox = Mailbox()
    port = smtp_server(mailbox, authenticator=Login(USER, PASSWORD), auth_require_tls=False)
    item = an_item()
    # When the document is e-mailed while logs are captured
    with every_log_line() as logs:
        mailer_on(port, user=USER, password=PASSWORD).send_document(item, a_sale(item), BUYER)
    # Then one line tells where the message went and which message it was, without the password
    (line,) = [entry for entry in logs if entry["event"] == "document_emailed_by_smtp"]
    assert line["server"] == f"127.0.0.1:{port} (none)"
    assert line["mail_message_id"] == mailbox.received[0].message["Message-ID"]
    assert PASSWORD not in repr(logs)
