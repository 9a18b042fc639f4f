"""The sent-mail log in memory: for the demo, the unit tests and the SMTP integration tests."""

from __future__ import annotations

import threading

from application.ports import SentMail, SentMailLog


class InMemorySentMailLog(SentMailLog):
    def __init__(self) -> None:
        self._mails: dict[tuple[str, str], SentMail] = {}
        self._lock = threading.Lock()  # Dramatiq runs many worker threads per process

    def find(self, channel_id: str, document_id: str) -> SentMail | None:
        with self._lock:
            return self._mails.get((channel_id, document_id))

    def record(self, mail: SentMail) -> None:
        with self._lock:
            self._mails.setdefault((mail.channel_id, mail.document_id), mail)

    def all(self) -> list[SentMail]:
        with self._lock:
            return list(self._mails.values())
