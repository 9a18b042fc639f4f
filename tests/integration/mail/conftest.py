from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from adapters.mailers.smtp import SmtpMailer, SmtpSettings
from adapters.memory.clock import SteppingClock
from adapters.memory.sent_mail_log import InMemorySentMailLog
from tests.integration.mail.smtp_server import Mailbox, self_signed_certificate
from tests.services import free_port
from tests.unit.mail.examples import SENDER, SENT_AT, PdfShelf


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("smtp-tls"))


@pytest.fixture
def smtp_server():
    """Start a real SMTP server: `smtp_server(mailbox, **aiosmtpd options)` → its port."""
    running: list[Controller] = []

    def start(mailbox: Mailbox, **options) -> int:
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        running.append(controller)
        return controller.port

    yield start
    for controller in running:
        controller.stop()


@pytest.fixture
def accounting() -> PdfShelf:
    return PdfShelf()


@pytest.fixture
def sent_log() -> InMemorySentMailLog:
    return InMemorySentMailLog()


@pytest.fixture
def mailer_on(accounting, sent_log):
    """The SMTP mailer pointed at 127.0.0.1:`port`, other settings as the test says."""

    def build(port: int, ssl_context=None, **settings) -> SmtpMailer:
        values = dict(host="127.0.0.1", port=port, sender=SENDER, security="none", timeout=5.0)
        return SmtpMailer(SmtpSettings(**(values | settings)), accounting, sent_log,
                          SteppingClock(SENT_AT), ssl_context)

    return build
