"""The sent-mail log: a document once e-mailed is not e-mailed again."""

from __future__ import annotations

from adapters.mailers.smtp import SmtpMailer, SmtpSettings
from adapters.memory.clock import SteppingClock
from adapters.memory.sent_mail_log import InMemorySentMailLog
from application.ports import SentMail
from tests.unit.mail.examples import BUYER, CHANNEL, SALE_ID, SENT_AT, PdfShelf, a_sale, an_item


def sent(channel_id: str = CHANNEL, document_id: str = SALE_ID, to: str = BUYER) -> SentMail:
    return SentMail(channel_id, document_id, f"<{document_id}@perle.example>", "M-1", to, SENT_AT)


def test_a_recorded_document_is_found_by_channel_and_document():
    # Given a log with one sent e-mail
    log = InMemorySentMailLog()
    log.record(sent())
    # When it is asked about that document, and about the same id in another channel
    # Then only the first is known
    assert log.find(CHANNEL, SALE_ID) == sent()
    assert log.find("shop-2", SALE_ID) is None


def test_recording_the_same_document_twice_keeps_the_first_record():
    # Given a document already recorded as sent to one address
    log = InMemorySentMailLog()
    log.record(sent(to="first@example.com"))
    # When it is recorded again
    log.record(sent(to="second@example.com"))
    # Then the first record stands and there is still one
    assert log.find(CHANNEL, SALE_ID).recipient == "first@example.com"
    assert len(log.all()) == 1


def test_mailer_does_not_fetch_or_send_a_document_the_log_already_holds():
    # Given a document in the sent-mail log and a mailer pointing at no server at all
    log = InMemorySentMailLog()
    log.record(sent())
    accounting = PdfShelf()
    settings = SmtpSettings(host="192.0.2.1", port=25, sender="a@perle.example", timeout=0.01)
    mailer = SmtpMailer(settings, accounting, log, SteppingClock(SENT_AT))
    item = an_item()
    # When the document is asked about and sent again
    already = mailer.already_sent(item, a_sale(item))
    mailer.send_document(item, a_sale(item), BUYER)
    # Then it counts as sent, and neither PayTraq nor any SMTP server was contacted
    assert already is True
    assert accounting.calls == []
