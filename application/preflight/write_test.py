"""`channel check --write-test`: a clearly marked Draft with every element kind the service
sends, read back and compared element by element, then voided; with `--payment-test`, a 0.01
payment on a test sales order. Run it against a test company or with the owner's consent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from application.errors import SalesInboxError
from application.ports import (
    AccountingPort,
    AccountingProbe,
    NewClient,
    PaymentRequest,
    SaleContents,
)
from application.preflight.report import CheckLine, Result, probe
from domain.documents import Adjustment, Document, DocumentLine, ShippingCharge
from domain.paytraq_totals import AdjustmentType, TaxKey
from domain.settings import ChannelSettings, DocumentType

OK, FAILED, SKIPPED = Result.OK, Result.FAILED, Result.SKIPPED
MARK = "TEST DOCUMENT by the Sales Inbox channel check; it is voided at once"
D = Decimal
TEST_REF_PREFIX = "SI-CHECK-"  # the DocumentRef of the test Drafts: the service's own


@dataclass
class WriteTest:
    accounting: AccountingPort
    probe_port: AccountingProbe
    settings: ChannelSettings
    now: datetime
    dialect: Callable[[], object]
    kept: bool | None = None  # after run: whether PayTraq kept the document as sent

    def run(self, payment: bool) -> list[CheckLine]:
        keys = self._keys()
        if not keys:
            return [CheckLine("write test", SKIPPED, "no VAT rate is mapped to a tax key",
                              "map the VAT rates first (--tax-map)")]
        client_id = self._client()
        document = self._document(client_id, keys, self.settings.document_type, "W")
        lines = self._create_compare_void(document)
        if payment:
            lines.append(probe("payment test: 0.01 on a test sales order",
                               lambda: self._payment(client_id, keys)))
        return lines

    # --- the document ----------------------------------------------------------------------
    def _keys(self) -> list[TaxKey]:
        known = {key.id: key for key in self.accounting.tax_keys()}
        mapped = [known[key_id] for _, key_id in self.settings.tax_keys if key_id in known]
        rated = sorted((key for key in mapped if key.rate is not None), key=lambda k: -k.rate)
        return rated[:2] or mapped[:1]

    def _client(self) -> str:
        existing = self.accounting.search_clients("")
        if existing:
            return existing[0].id
        return self.accounting.create_client(NewClient("Sales Inbox check (test client)", 1))

    def _item(self) -> tuple[str, str | None]:
        if self.settings.warehouse_id:
            for product in self.accounting.warehouse_stock(self.settings.warehouse_id):
                return product.code, product.item_id
        return "", None

    def _document(self, client_id: str, keys: list[TaxKey], kind: DocumentType,
                  tag: str) -> Document:
        code, item_id = self._item()
        first, second = keys[0], keys[-1]
        return Document(
            document_ref=f"{TEST_REF_PREFIX}{tag}-{self.now:%Y%m%d%H%M%S}",
            document_date=self.now.date(), client_id=client_id, sale_type=kind,
            operation=self.settings.operation, currency="EUR", include_tax=True,
            lines=(DocumentLine(code, item_id, f"{MARK} [{code}]", D(2), D("10.00"), first, D(10)),
                   DocumentLine("", None, MARK, D(1), D("5.50"), second)),
            shipping=ShippingCharge(D("3.00"), first),
            adjustments=(Adjustment(AdjustmentType.DISCOUNT, D("1.00"), first, "Order discount"),),
            comment=MARK, warehouse_id=self.settings.warehouse_id,
        )

    def _create_compare_void(self, document: Document) -> list[CheckLine]:
        name = "write test: POST sale (Draft)"
        try:
            sale_id = self.accounting.create_sale(document)
        except SalesInboxError as refused:
            return [CheckLine(name, FAILED, str(refused),
                              "no document can be created: report this with the refusal")]
        created = CheckLine(name, OK, f"draft {sale_id} {document.document_ref} created; "
                            f"shape remembered: {self.dialect()}",
                            "documents are sent in this shape")
        back = self.probe_port.sale_contents(sale_id)
        compared = compare(document, back)
        self.kept = all(line.result is OK for line in compared)
        return [created, *compared,
                probe("write test: void", lambda: self._void(sale_id))]

    def _void(self, sale_id: str) -> CheckLine:
        self.accounting.void_sale(sale_id)
        status = self.accounting.get_sale(sale_id).status
        result = OK if status == "voided" else FAILED
        return CheckLine("write test: void", result, f"test document {sale_id} is {status}",
                         "a Draft of a deleted Mozello order is voided" if result is OK
                         else "void the test document in PayTraq by hand", needed=False)

    def _payment(self, client_id: str, keys: list[TaxKey]) -> CheckLine:
        name = "payment test: 0.01 on a test sales order"
        mapping = self.settings.payment_mappings[0] if self.settings.payment_mappings else None
        if mapping is None:
            return CheckLine(name, SKIPPED, "no payment method is mapped to a money account",
                             needed=False)
        document = self._document(client_id, keys, DocumentType.SALES_ORDER, "P")
        sale_id = self.accounting.create_sale(document)
        self.accounting.approve_sale(sale_id)
        self.accounting.add_payment(sale_id, PaymentRequest(
            D("0.01"), self.now.date(), mapping.money_account_id, MARK, document.document_ref,
            DocumentType.SALES_ORDER.value))
        self.accounting.void_sale(sale_id)
        return CheckLine(name, OK, f"0.01 booked to money account {mapping.money_account_id} as "
                         f"client {client_id}'s advance; order {sale_id} voided; shape "
                         f"remembered: {self.dialect()}",
                         "no known API reverses a payment: delete the 0.01 in PayTraq by hand")


def compare(sent: Document, back: SaleContents) -> list[CheckLine]:
    """One line per element kind: what was sent against what PayTraq holds."""
    def line(element: str, expected: object, found: object) -> CheckLine:
        same = expected == found
        return CheckLine(f"write test: {element}", OK if same else FAILED,
                         f"sent {_show(expected)}, read back {_show(found)}",
                         "" if same else "documents would differ from the order: report it")

    shipping = sent.shipping
    return [
        line("DocumentRef", sent.document_ref, back.ref),
        line("Currency", sent.currency, back.currency),
        line("IncludeTax", sent.include_tax, back.include_tax),
        line("lines (item, qty, price, discount)",
             [(li.item_id, li.qty, li.price, li.discount_pct) for li in sent.lines],
             [(li.item_id, li.qty, li.price, li.discount_pct) for li in back.lines]),
        line("line tax keys", [li.tax_key.id for li in sent.lines],
             [li.tax_key_id for li in back.lines]),
        line("shipping charge", (shipping.amount, shipping.tax_key.id) if shipping else None,
             (back.shipping.amount, back.shipping.tax_key_id) if back.shipping else None),
        line("order discount adjustment",
             [(a.type.value, a.basis.value, a.amount, a.tax_key.id) for a in sent.adjustments],
             [(a.type, a.basis, a.amount, a.tax_key_id) for a in back.adjustments]),
        line("total as predicted", sent.totals().total, back.total),
        line("status", "draft", back.status),
    ]


def _show(value: object) -> str:
    """Amounts as PayTraq writes them, tuples and lists without Python's punctuation."""
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(D("0.01")) else str(value)
    if isinstance(value, list):
        return "; ".join(_show(v) for v in value) or "none"
    if isinstance(value, tuple):
        return " × ".join(_show(v) for v in value if v is not None) if value else "none"
    return "none" if value is None else str(value)
