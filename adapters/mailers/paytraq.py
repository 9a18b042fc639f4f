"""PayTraq e-mails its own document to the client, as PayTraq's own Mozello channel does."""

from __future__ import annotations

from application.ports import AccountingPort, MailerPort, SaleRecord
from domain.inbox import InboxItem


class PayTraqMailer(MailerPort):
    via = "paytraq"

    def __init__(self, accounting: AccountingPort):
        self.accounting = accounting

    def already_sent(self, item: InboxItem, sale: SaleRecord) -> bool:
        """PayTraq logs every e-mail in the document's MessageLog."""
        return bool(sale.emailed_to)

    def send_document(self, item: InboxItem, sale: SaleRecord, to: str) -> None:
        self.accounting.send_sale(sale.id, to)
