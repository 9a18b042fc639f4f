"""The e-mail that carries one sale document to its buyer, in Latvian and English, with a
Message-ID that is the same for the same document (so a resend is recognisable)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from application.errors import PermanentError
from application.ports import SaleRecord
from domain.inbox import InboxItem

DOCUMENT_NAMES = {  # PayTraq sale type → (Latvian, English)
    "sales_invoice": ("Rēķins", "Invoice"),
    "sales_order": ("Pasūtījums", "Order"),
    "sales_proforma": ("Avansa rēķins", "Proforma invoice"),
    "sales_receipt": ("Čeks", "Receipt"),
}
OTHER_DOCUMENT = ("Dokuments", "Document")
ADDRESS = re.compile(r"[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;]+")


def message_id(channel_id: str, document_id: str, sender: str) -> str:
    """The same channel and document always give the same Message-ID (sender's domain on the
    right, as RFC 5322 recommends)."""
    digest = hashlib.sha256(f"{channel_id}\n{document_id}".encode()).hexdigest()[:24]
    readable = re.sub(r"[^A-Za-z0-9-]+", "-", document_id).strip("-")[:40] or "document"
    try:
        domain = parseaddr(sender)[1].rpartition("@")[2].encode("idna").decode("ascii").lower()
    except UnicodeError:
        domain = ""
    return f"<sales-inbox.{readable}.{digest}@{domain or 'sales-inbox.invalid'}>"


def attachment_name(document_ref: str) -> str:
    """`<document-ref>.pdf` in plain ASCII: Latvian letters lose their marks, the rest becomes '-'."""
    plain = unicodedata.normalize("NFKD", document_ref).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip(".-_")[:80]
    return f"{safe or 'document'}.pdf"


def document_email(
    item: InboxItem, sale: SaleRecord, to: str, sender: str, pdf: bytes, at: datetime
) -> EmailMessage:
    """The e-mail carrying one sale document to its buyer. PermanentError for a bad address."""
    sale_type = sale.sale_type or (item.document.sale_type if item.document else "")
    lv, en = DOCUMENT_NAMES.get(sale_type, OTHER_DOCUMENT)
    ref = sale.ref or (item.document.ref if item.document else "") or sale.id
    name = " ".join(item.order.customer.name.split())
    if not ADDRESS.fullmatch(to):
        raise PermanentError(f"the buyer's e-mail address {to!r} is not valid")
    message = EmailMessage()
    try:
        message["Subject"] = f"{lv} / {en} {ref} — pasūtījums / order {item.order_id}"
        message["From"] = sender
        message["To"] = Address(display_name=name, addr_spec=to)
        message["Date"] = format_datetime(at)
        message["Message-ID"] = message_id(item.channel_id, sale.id, sender)
    except (ValueError, IndexError) as bad:
        raise PermanentError(f"the e-mail to {to!r} cannot be addressed: {bad}") from None
    message.set_content(
        _text(lv, en, ref, item.order_id, name), charset="utf-8", cte="quoted-printable"
    )
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=attachment_name(ref))
    return message


def _text(lv: str, en: str, ref: str, order_id: str, name: str) -> str:
    return (
        f"Labdien{', ' + name if name else ''}!\n\n"
        f"Pielikumā ir {lv.lower()} Nr. {ref} par jūsu pasūtījumu {order_id}.\n"
        "Paldies par pirkumu!\n\n"
        "---\n\n"
        f"Hello{' ' + name if name else ''},\n\n"
        f"Attached is the {en.lower()} {ref} for your order {order_id}.\n"
        "Thank you for your purchase!\n"
    )
