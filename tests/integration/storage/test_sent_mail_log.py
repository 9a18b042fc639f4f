"""The SMTP sent-mail log survives restarts and keeps the first record of a document."""

from datetime import UTC, datetime

import pytest

from adapters.storage.sent_mail_log import SqlSentMailLog
from application.ports import SentMail
from tests.integration.storage.conftest import _backend, postgres_engine  # noqa: F401

T0 = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    for backend in _backend(request.param, request, tmp_path):
        yield backend.engine


def mail(recipient: str = "anna@example.com") -> SentMail:
    return SentMail("shop", "15600001", "<sales-inbox.15600001.abc@example.lv>", "M-1",
                    recipient, T0)


def test_a_sent_document_is_found_by_a_new_process(engine):
    SqlSentMailLog(engine).record(mail())
    assert SqlSentMailLog(engine).find("shop", "15600001") == mail()
    assert SqlSentMailLog(engine).find("shop", "15600002") is None


def test_recording_the_same_document_again_keeps_the_first_record(engine):
    log = SqlSentMailLog(engine)
    log.record(mail())
    log.record(mail("other@example.com"))
    assert log.find("shop", "15600001").recipient == "anna@example.com"
