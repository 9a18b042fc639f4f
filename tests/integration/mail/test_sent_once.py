"""A document is e-mailed at most once: a repeat, by the same mailer, a new one, or the whole
order flow run again, finds it in the sent-mail log and sends nothing."""

from __future__ import annotations

import pytest

from adapters.mailers.smtp import SmtpMailer, SmtpSettings
from adapters.memory.clock import SteppingClock
from adapters.memory.gateways import StaticGateways
from adapters.memory.uow import InMemoryUnitOfWork
from application.bootstrap import bootstrap
from application.commands import ProcessOrder, ReceiveOrder
from domain.review import ReasonCode
from domain.settings import DocumentType, EmailVia
from tests.integration.mail.smtp_server import Mailbox
from tests.unit.builders import order, pipeline, settings
from tests.unit.mail.examples import BUYER, SENDER, SENT_AT, a_sale, an_item

pytestmark = pytest.mark.integration


def test_second_send_of_the_same_document_does_not_send_again(smtp_server, mailer_on,
                                                               accounting, sent_log):
    # Given a document e-mailed once
    mailbox = Mailbox()
    port = smtp_server(mailbox)
    item = an_item()
    mailer_on(port).send_document(item, a_sale(item), BUYER)
    # When a new mailer for the same channel (a retried job) is asked and told to send it again
    again = mailer_on(port)
    already = again.already_sent(item, a_sale(item))
    again.send_document(item, a_sale(item), BUYER)
    # Then it counts as sent, the server saw one message, and PayTraq handed out one PDF
    assert already is True
    assert len(mailbox.received) == 1
    assert accounting.calls == ["sale_pdf"]
    (record,) = sent_log.all()
    assert (record.document_id, record.recipient) == (item.document.id, BUYER)
    assert record.message_id == mailbox.received[0].message["Message-ID"]


class SmtpOrderFlow:
    """The order flow over in-memory fakes, its channel e-mailing invoices by SMTP to `port`."""

    def __init__(self, port: int, sent_log):
        self.flow = pipeline(settings(document_type=DocumentType.SALES_INVOICE, approve=True,
                                      send_email=True, email_via=EmailVia.SMTP))
        self.mailer = SmtpMailer(
            SmtpSettings(host="127.0.0.1", port=port, sender=SENDER, security="none"),
            self.flow.accounting, sent_log, SteppingClock(SENT_AT))

    def handle(self, command) -> None:
        gateways = StaticGateways(self.flow.accounting, mailer=self.mailer)
        bootstrap(InMemoryUnitOfWork(self.flow.store), gateways, self.flow.clock).handle(command)

    def paid_order_arrives(self) -> None:
        self.handle(ReceiveOrder(self.flow.channel_id, order(paid=True), "PAYMENT_CHANGED"))

    def process_again_by_hand(self) -> None:
        self.handle(ProcessOrder(self.flow.channel_id, "M-1234567-101", manual=True))


def test_order_flow_with_email_via_smtp_delivers_once_and_marks_the_item_emailed(
        smtp_server, sent_log):
    # Given a channel that e-mails invoices through its own SMTP server
    mailbox = Mailbox()
    shop = SmtpOrderFlow(smtp_server(mailbox), sent_log)
    # When a paid order arrives, and is then processed again by hand
    shop.paid_order_arrives()
    shop.process_again_by_hand()
    # Then the buyer got exactly one e-mail, carrying PayTraq's PDF of the invoice
    (sale,) = shop.flow.sales()
    (received,) = mailbox.received
    (attachment,) = list(received.message.iter_attachments())
    assert attachment.get_content() == shop.flow.accounting.sale_pdf(sale.id)
    assert received.rcpt_tos == ("anna@example.com",)
    # ...PayTraq itself sent nothing, and the item is e-mailed via smtp
    assert sale.emailed_to == []
    item = shop.flow.item()
    assert item.status.value == "emailed"
    assert [step.detail["via"] for step in item.steps if step.name == "emailed"] == ["smtp"]


def test_order_flow_shows_a_refused_recipient_as_email_not_sent(smtp_server, sent_log):
    # Given a channel e-mailing by SMTP, and a server without the buyer's mailbox
    mailbox = Mailbox(refusals={"anna@example.com": "550 5.1.1 No such user here"})
    shop = SmtpOrderFlow(smtp_server(mailbox), sent_log)
    # When a paid order arrives
    shop.paid_order_arrives()
    # Then the item waits for a person with the server's answer, and nothing counts as sent
    item = shop.flow.item()
    assert item.status.value == "needs_review"
    (reason,) = [r for r in item.reasons if r.code is ReasonCode.EMAIL_NOT_SENT]
    assert "550 5.1.1 No such user here" in reason.message
    assert mailbox.received == [] and sent_log.all() == []
