"""The checks on the channel page talk to the real thing: a test e-mail through a real SMTP
server, the Mozello key against the shop."""

from __future__ import annotations

import dataclasses

import pytest
from aiosmtpd.controller import Controller

from tests.integration.mail.smtp_server import Mailbox
from tests.services import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield mailbox, controller.port
    controller.stop()


def test_the_test_e_mail_goes_through_the_channels_smtp_server(console, smtp):
    mailbox, port = smtp
    with console.runtime.uow_factory() as uow:
        creds = uow.channels.credentials("shop-1")
        uow.channels.set_credentials("shop-1", dataclasses.replace(
            creds, smtp_host="127.0.0.1", smtp_port=port, smtp_from="Veikals <shop@example.lv>",
            smtp_security="none"))
        uow.commit()
    console.login()
    answer = console.post("/channels/shop-1/test-email", {"test_to": "anna@example.lv"},
                          page="/channels/shop-1")
    assert answer.status_code == 302
    (received,) = mailbox.received
    assert received.rcpt_tos == ("anna@example.lv",)
    assert "Demo shop" in received.message.get_content()
    assert "Testa e-pasts nosūtīts uz anna@example.lv" in console.page("/channels/shop-1")
    assert ("anna", "test_email", None) in console.actions()


def test_a_test_e_mail_without_an_smtp_server_says_why(console):
    console.login()
    console.post("/channels/shop-1/test-email", {"test_to": "anna@example.lv"},
                 page="/channels/shop-1")
    assert "Testa e-pasts netika nosūtīts" in console.page("/channels/shop-1")


def test_the_mozello_key_check_reports_the_shops_answer(console):
    console.login()
    console.post("/channels/shop-1/test-mozello", page="/channels/shop-1")
    assert "Mozello pieņēma API atslēgu" in console.page("/channels/shop-1")
