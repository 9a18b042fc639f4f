"""The shop's own SMTP server e-mails the sale document: the PDF fetched from PayTraq, attached
to a short Latvian and English text naming the order and the document.

At most once per document: the sent-mail log is asked first and written as soon as the server
has accepted the message; the Message-ID is derived from channel and document, so a copy that
still slips through (a reply lost after the server accepted) is recognisable as the same e-mail.

A 5xx refusal or a configuration fault is a PermanentError; a timeout, a dropped connection or a
4xx answer is a TransientError. The password appears in no log line and no exception text.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr

import structlog

from adapters.mailers.document_email import ADDRESS as _ADDRESS
from adapters.mailers.document_email import document_email
from application.errors import PermanentError, SalesInboxError, TransientError
from application.ports import (
    AccountingPort,
    ChannelCredentials,
    Clock,
    MailerPort,
    SaleRecord,
    SentMail,
    SentMailLog,
)
from domain.inbox import InboxItem

log = structlog.get_logger(__name__)

SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpSettings:
    host: str
    port: int
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str
    security: str = "starttls"
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise PermanentError("the channel has no SMTP server (host) set")
        if not _ADDRESS.fullmatch(self.envelope_sender):
            raise PermanentError(f"the channel's SMTP sender {self.sender!r} is not an e-mail address")
        if self.security not in SECURITY_MODES:
            raise PermanentError(
                f"SMTP security must be one of {', '.join(SECURITY_MODES)}, not {self.security!r}"
            )
        if not 0 < self.port < 65536 or self.timeout <= 0:
            raise PermanentError(f"SMTP port {self.port} or timeout {self.timeout} s is not usable")

    @classmethod
    def from_credentials(
        cls, credentials: ChannelCredentials, timeout: float = DEFAULT_TIMEOUT
    ) -> SmtpSettings:
        return cls(
            host=credentials.smtp_host.strip(),
            port=credentials.smtp_port,
            user=credentials.smtp_user.strip(),
            password=credentials.smtp_password,
            sender=credentials.smtp_from.strip(),
            security=(credentials.smtp_security or "starttls").strip().lower(),
            timeout=timeout,
        )

    @property
    def envelope_sender(self) -> str:
        """The bare address of `sender`, which may carry a display name ("Shop <a@shop.lv>")."""
        return parseaddr(self.sender)[1]

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port} ({self.security})"


# --- the mailer ---------------------------------------------------------------------------


class SmtpMailer(MailerPort):
    via = "smtp"

    def __init__(
        self,
        settings: SmtpSettings,
        accounting: AccountingPort,
        sent_log: SentMailLog,
        clock: Clock,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.settings, self.accounting, self.sent_log, self.clock = settings, accounting, sent_log, clock
        self._ssl_context = ssl_context

    def already_sent(self, item: InboxItem, sale: SaleRecord) -> bool:
        return self.sent_log.find(item.channel_id, sale.id) is not None

    def send_document(self, item: InboxItem, sale: SaleRecord, to: str) -> None:
        if self.already_sent(item, sale):
            return
        pdf = self.accounting.sale_pdf(sale.id)
        if not pdf.startswith(b"%PDF-"):
            raise PermanentError(f"PayTraq returned no PDF for sale {sale.id}")
        at = self.clock.now()
        message = document_email(item, sale, to, self.settings.sender, pdf, at)
        with self._translated_errors(to), self._connection() as smtp:
            smtp.send_message(message, self.settings.envelope_sender, [to])
        mail_id = str(message["Message-ID"])
        self.sent_log.record(SentMail(item.channel_id, sale.id, mail_id, item.order_id, to, at))
        log.info("document_emailed_by_smtp", server=self.settings.server, document_id=sale.id,
                 mail_message_id=mail_id)

    def send_test(self, to: str, subject: str, text: str) -> None:
        """A plain test message through the channel's server (the settings page's button)."""
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.settings.sender, to, subject
        message.set_content(text)
        with self._translated_errors(to), self._connection() as smtp:
            smtp.send_message(message, self.settings.envelope_sender, [to])

    @contextmanager
    def _connection(self) -> Iterator[smtplib.SMTP]:
        s = self.settings
        context = self._ssl_context or ssl.create_default_context()
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            smtp.ehlo_or_helo_if_needed()
            if s.security == "starttls":
                smtp.starttls(context=context)  # no STARTTLS offered: refused, never sent in clear
            if s.user:
                _log_in(smtp, s.user, s.password)
            yield smtp
        except BaseException:
            smtp.close()
            raise
        try:  # the message is accepted: a failing goodbye changes nothing
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    @contextmanager
    def _translated_errors(self, to: str) -> Iterator[None]:
        where = self.settings.server
        try:
            yield
        except smtplib.SMTPRecipientsRefused as refused:
            code, reply = next(iter(refused.recipients.values()))
            raise self._by_code(code, f"the SMTP server {where} refused the recipient {to}: "
                                      f"{code} {_decoded(reply)}") from None
        except smtplib.SMTPAuthenticationError as error:
            raise self._by_code(error.smtp_code, f"the SMTP server {where} refused the login of "
                                f"user {self.settings.user!r}: {error.smtp_code} "
                                f"{_decoded(error.smtp_error)}") from None
        except smtplib.SMTPNotSupportedError as error:
            raise PermanentError(self._scrub(f"the SMTP server {where} cannot do what the "
                                             f"channel asks: {error}")) from None
        except smtplib.SMTPResponseException as error:
            raise self._by_code(error.smtp_code, f"the SMTP server {where} answered "
                                f"{error.smtp_code} {_decoded(error.smtp_error)}") from None
        except ssl.SSLCertVerificationError as error:
            raise PermanentError(f"the certificate of the SMTP server {where} is not trusted: "
                                 f"{error.verify_message}") from None
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError):
            raise TransientError(f"the SMTP server {where} closed the TLS connection") from None
        except ssl.SSLError as error:  # no common protocol: usually the wrong port for `security`
            raise PermanentError(f"no TLS connection with the SMTP server {where} (check the port "
                                 f"and the security setting): {error.reason}") from None
        except OSError as error:  # timeouts, refused or dropped connections, DNS, TLS handshakes
            raise TransientError(self._scrub(f"the SMTP server {where} did not take the message: "
                                             f"{type(error).__name__}: {error}")) from None

    def _by_code(self, code: int, text: str) -> SalesInboxError:
        text = self._scrub(text)
        return PermanentError(text) if 500 <= code < 600 else TransientError(text)

    def _scrub(self, text: str) -> str:
        password = self.settings.password
        return text.replace(password, "***") if password else text


def _log_in(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib sends credentials as ASCII only; a password with Latvian letters goes as UTF-8,
    by AUTH PLAIN (RFC 4616) or LOGIN."""
    smtp.ehlo_or_helo_if_needed()  # after STARTTLS the server's offer must be asked again
    if (user + password).isascii() or "auth" not in smtp.esmtp_features:
        smtp.login(user, password)
        return
    offered = smtp.esmtp_features["auth"].upper().split()
    if "PLAIN" in offered:
        code, reply = smtp.docmd("AUTH", "PLAIN " + _base64(f"\0{user}\0{password}"))
    elif "LOGIN" in offered:
        code, reply = smtp.docmd("AUTH", "LOGIN " + _base64(user))
        if code == 334:
            code, reply = smtp.docmd(_base64(password))
    else:
        raise smtplib.SMTPNotSupportedError("the server offers neither AUTH PLAIN nor AUTH LOGIN")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _base64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _decoded(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


class UnusableSmtpSettings(MailerPort):
    """The channel asks for SMTP but its settings cannot work: only the e-mail step stops, with
    the reason visible on the inbox item, instead of the whole order."""

    via = "smtp"

    def __init__(self, problem: PermanentError, sent_log: SentMailLog):
        self.problem, self.sent_log = problem, sent_log

    def already_sent(self, item: InboxItem, sale: SaleRecord) -> bool:
        return self.sent_log.find(item.channel_id, sale.id) is not None

    def send_document(self, item: InboxItem, sale: SaleRecord, to: str) -> None:
        raise PermanentError(str(self.problem))


def smtp_mailer(
    credentials: ChannelCredentials,
    accounting: AccountingPort,
    sent_log: SentMailLog,
    clock: Clock,
    timeout: float = DEFAULT_TIMEOUT,
    ssl_context: ssl.SSLContext | None = None,
) -> MailerPort:
    """The mailer of a channel whose `email_via` is smtp, as the composition root builds it."""
    try:
        settings = SmtpSettings.from_credentials(credentials, timeout)
    except PermanentError as problem:
        return UnusableSmtpSettings(problem, sent_log)
    return SmtpMailer(settings, accounting, sent_log, clock, ssl_context)
