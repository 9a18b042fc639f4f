"""A channel's SMTP settings: taken from its credentials, checked once, the password kept out
of sight."""

from __future__ import annotations

import pytest

from adapters.mailers.smtp import SmtpMailer, SmtpSettings, UnusableSmtpSettings, smtp_mailer
from adapters.memory.clock import SteppingClock
from adapters.memory.sent_mail_log import InMemorySentMailLog
from application.errors import PermanentError
from application.ports import ChannelCredentials
from tests.unit.mail.examples import SENT_AT, PdfShelf, a_sale, an_item

SECRET = "Slepen1-parole"


def credentials(**overrides) -> ChannelCredentials:
    values = dict(smtp_host="smtp.perle.example", smtp_port=587, smtp_user="rekini",
                  smtp_password=SECRET, smtp_from="Veikals Pērle <rekini@perle.example>",
                  smtp_security="starttls")
    return ChannelCredentials(**(values | overrides))


def test_settings_come_from_the_channel_credentials_with_a_default_timeout():
    # Given a channel's stored SMTP credentials
    # When settings are built from them
    settings = SmtpSettings.from_credentials(credentials(smtp_security=" STARTTLS "))
    # Then every field is carried over, security normalised, timeout 30 s
    assert (settings.host, settings.port, settings.user, settings.password) == (
        "smtp.perle.example", 587, "rekini", SECRET)
    assert (settings.sender, settings.envelope_sender) == (
        "Veikals Pērle <rekini@perle.example>", "rekini@perle.example")
    assert (settings.security, settings.timeout) == ("starttls", 30.0)


def test_password_never_shows_in_the_settings_repr():
    # Given settings with a password
    settings = SmtpSettings.from_credentials(credentials())
    # When they are printed (a log line, a traceback), Then the password is not there
    assert SECRET not in repr(settings) and SECRET not in str(settings)


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        (dict(smtp_host=""), "no SMTP server"),
        (dict(smtp_from=""), "not an e-mail address"),
        (dict(smtp_from="Veikals Pērle"), "not an e-mail address"),
        (dict(smtp_security="tls"), "must be one of starttls, ssl, none"),
        (dict(smtp_port=0), "port 0"),
    ],
)
def test_unusable_settings_are_a_permanent_error_without_the_password(overrides, problem):
    # Given credentials that cannot work
    # When settings are built from them, Then a person is told why, and never the password
    with pytest.raises(PermanentError, match=problem) as refused:
        SmtpSettings.from_credentials(credentials(**overrides))
    assert SECRET not in str(refused.value)


def test_channel_with_unusable_settings_stops_only_at_the_email_step():
    # Given a channel set to e-mail by SMTP but with no SMTP host
    mailer = smtp_mailer(credentials(smtp_host=""), PdfShelf(), InMemorySentMailLog(),
                         SteppingClock(SENT_AT))
    item = an_item()
    # When the composition root builds its mailer, Then that works (the order can proceed)...
    assert isinstance(mailer, UnusableSmtpSettings) and mailer.via == "smtp"
    assert mailer.already_sent(item, a_sale(item)) is False
    # ...and sending the document says what is missing
    with pytest.raises(PermanentError, match="no SMTP server"):
        mailer.send_document(item, a_sale(item), "anna@example.com")


def test_channel_with_usable_settings_gets_the_smtp_mailer():
    # Given complete SMTP credentials
    # When the composition root builds the mailer with a shorter timeout
    mailer = smtp_mailer(credentials(), PdfShelf(), InMemorySentMailLog(), SteppingClock(SENT_AT),
                         timeout=5)
    # Then it is the SMTP mailer with those settings
    assert isinstance(mailer, SmtpMailer) and mailer.via == "smtp"
    assert mailer.settings.timeout == 5
