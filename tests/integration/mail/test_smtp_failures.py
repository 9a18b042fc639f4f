"""When the SMTP server says no, or says nothing: a person is told (PermanentError) or the
worker tries again later (TransientError); the password never appears."""

from __future__ import annotations

import socket

import pytest

from application.errors import PermanentError, TransientError
from tests.integration.mail.smtp_server import Login, Mailbox
from tests.services import free_port
from tests.unit.mail.examples import BUYER, a_sale, an_item

pytestmark = pytest.mark.integration

USER, PASSWORD = "rekini@perle.example", "Slepen1-parole"


def test_refused_recipient_is_a_permanent_error_that_never_shows_the_password(
        smtp_server, mailer_on, certificate, sent_log):
    # Given a server (with STARTTLS and AUTH) that has no mailbox for the buyer
    mailbox = Mailbox(refusals={BUYER: "550 5.1.1 No such user here"})
    port = smtp_server(mailbox, tls_context=certificate.server_context(), require_starttls=True,
                       authenticator=Login(USER, PASSWORD), auth_required=True)
    mailer = mailer_on(port, certificate.client_context(), security="starttls",
                       user=USER, password=PASSWORD)
    item = an_item()
    # When the document is e-mailed
    with pytest.raises(PermanentError) as refused:
        mailer.send_document(item, a_sale(item), BUYER)
    # Then the reason names the recipient and the server's answer, never the password
    text = str(refused.value)
    assert f"refused the recipient {BUYER}: 550 5.1.1 No such user here" in text
    assert PASSWORD not in text and refused.value.__cause__ is None
    # ...nothing arrived, and nothing counts as sent
    assert mailbox.received == [] and sent_log.all() == []


def test_temporarily_refused_recipient_is_a_transient_error(smtp_server, mailer_on):
    # Given a server whose buyer's mailbox is over quota for now
    port = smtp_server(Mailbox(refusals={BUYER: "452 4.2.2 Mailbox full, try later"}))
    item = an_item()
    # When the document is e-mailed, Then the worker is told to try again later
    with pytest.raises(TransientError, match="452 4.2.2 Mailbox full"):
        mailer_on(port).send_document(item, a_sale(item), BUYER)


def test_wrong_password_is_a_permanent_error_without_the_password(smtp_server, mailer_on,
                                                                   certificate):
    # Given a server that knows another password
    port = smtp_server(Mailbox(), tls_context=certificate.server_context(),
                       require_starttls=True, authenticator=Login(USER, "the-right-one"),
                       auth_required=True)
    mailer = mailer_on(port, certificate.client_context(), security="starttls",
                       user=USER, password=PASSWORD)
    item = an_item()
    # When the document is e-mailed
    with pytest.raises(PermanentError, match="refused the login of user") as refused:
        mailer.send_document(item, a_sale(item), BUYER)
    # Then the user is named and the password is not
    assert USER in str(refused.value) and PASSWORD not in str(refused.value)


def test_server_without_starttls_is_not_used_in_plain_text(smtp_server, mailer_on):
    # Given a channel asking for STARTTLS and a server that does not offer it
    mailbox = Mailbox()
    port = smtp_server(mailbox)
    item = an_item()
    # When the document is e-mailed
    with pytest.raises(PermanentError, match="STARTTLS"):
        mailer_on(port, security="starttls", user=USER, password=PASSWORD).send_document(
            item, a_sale(item), BUYER)
    # Then nothing was sent in clear
    assert mailbox.received == []


def test_certificate_the_mailer_cannot_trust_is_a_permanent_error(smtp_server, mailer_on,
                                                                  certificate):
    # Given a server with a self-signed certificate and a mailer trusting only the public CAs
    port = smtp_server(Mailbox(), tls_context=certificate.server_context(),
                       require_starttls=True)
    item = an_item()
    # When the document is e-mailed, Then it is refused for a person to fix
    with pytest.raises(PermanentError, match="certificate .* is not trusted"):
        mailer_on(port, security="starttls").send_document(item, a_sale(item), BUYER)


def test_unreachable_server_is_a_transient_error(mailer_on, accounting):
    # Given a port where nothing listens
    port = free_port()
    item = an_item()
    # When the document is e-mailed, Then the worker tries again later
    with pytest.raises(TransientError, match="did not take the message: ConnectionRefusedError"):
        mailer_on(port, user=USER, password=PASSWORD).send_document(item, a_sale(item), BUYER)


def test_server_that_never_answers_times_out_as_a_transient_error(mailer_on):
    # Given a server that accepts the connection but never greets
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        item = an_item()
        # When the document is e-mailed with a 0.3 s timeout
        # Then the attempt ends as a timeout, to be retried later
        with pytest.raises(TransientError, match="timed out"):
            mailer_on(silent.getsockname()[1], timeout=0.3).send_document(
                item, a_sale(item), BUYER)


def test_paytraq_failing_to_hand_over_the_pdf_sends_nothing(smtp_server, mailer_on, accounting):
    # Given PayTraq timing out on the PDF
    mailbox = Mailbox()
    port = smtp_server(mailbox)
    accounting.fail("sale_pdf", TransientError("PayTraq timed out"))
    item = an_item()
    # When the document is e-mailed, Then PayTraq's error reaches the worker and no mail left
    with pytest.raises(TransientError, match="PayTraq timed out"):
        mailer_on(port).send_document(item, a_sale(item), BUYER)
    assert mailbox.received == []


def test_implicit_ssl_against_a_plain_port_is_a_permanent_error(smtp_server, mailer_on):
    # Given a channel set to implicit SSL, pointed at a server that speaks plain SMTP
    mailbox = Mailbox()
    port = smtp_server(mailbox)
    item = an_item()
    # When the document is e-mailed, Then a person is told to check port and security
    with pytest.raises(PermanentError, match="check the port and the security setting"):
        mailer_on(port, security="ssl").send_document(item, a_sale(item), BUYER)
    assert mailbox.received == []
