"""The SMTP sent-mail log in the database. Each record is committed at once, on its own
connection: an e-mail that left cannot be rolled back, so neither may its record."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from adapters.storage.tables import sent_mail
from application.ports import SentMail, SentMailLog


class SqlSentMailLog(SentMailLog):
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def find(self, channel_id: str, document_id: str) -> SentMail | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(sent_mail).where(sent_mail.c.channel_id == channel_id,
                                           sent_mail.c.document_id == document_id)
            ).mappings().first()
        if row is None:
            return None
        return SentMail(row["channel_id"], row["document_id"], row["message_id"],
                        row["order_id"], row["recipient"], row["sent_at"])

    def record(self, mail: SentMail) -> None:
        try:
            with self.engine.begin() as connection:
                connection.execute(sa.insert(sent_mail).values(
                    channel_id=mail.channel_id, document_id=mail.document_id,
                    message_id=mail.message_id, order_id=mail.order_id,
                    recipient=mail.recipient, sent_at=mail.sent_at))
        except IntegrityError:
            return  # the first record stays
