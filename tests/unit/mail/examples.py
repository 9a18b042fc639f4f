"""An inbox item with its sale, a buyer with a Latvian name, and a PayTraq that hands out PDFs:
what the mail tests send, with and without a real SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from adapters.memory.accounting import FakeAccounting
from application.ports import SaleRecord
from domain.inbox import DocumentRecord, InboxItem
from domain.orders import Customer
from tests.unit.builders import order

CHANNEL = "shop-1"
ORDER_ID = "M-1234567-101"
SALE_ID = "900123"
BUYER = "anna@example.com"
SENDER = "Veikals Pērle <rekini@perle.example>"
SENT_AT = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
# every byte value, so a transfer-encoding slip cannot go unnoticed
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


def an_item(order_id: str = ORDER_ID, sale_id: str = SALE_ID, sale_type: str = "sales_invoice",
            buyer_name: str = "Anna Bērziņa", channel_id: str = CHANNEL) -> InboxItem:
    snapshot = order(order_id, customer=Customer(name=buyer_name, email=BUYER))
    return InboxItem(channel_id, order_id, snapshot, SENT_AT,
                     document=DocumentRecord(sale_id, order_id, sale_type, "approved"))


def a_sale(item: InboxItem) -> SaleRecord:
    document = item.document
    return SaleRecord(document.id, document.ref, document.sale_type, "approved",
                      Decimal("24.20"), Decimal("0.00"))


class PdfShelf(FakeAccounting):
    """PayTraq as the mailer sees it: one PDF per sale id, every fetch counted in `calls`."""

    def __init__(self, pdfs: dict[str, bytes] | None = None):
        super().__init__()
        self.pdfs = dict(pdfs or {SALE_ID: PDF})

    def sale_pdf(self, sale_id: str) -> bytes:
        self._call("sale_pdf")
        return self.pdfs[sale_id]
