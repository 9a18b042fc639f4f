"""An in-memory PayTraq Connect: takes the payload as PayTraq's Sales Inbox would, and (given
the FakeAccounting of the same company) makes the document there, checks its totals against the
payload's Total, and does the automatic steps only when they match (paytraq-api.md §9.4)."""

from __future__ import annotations

from dataclasses import replace

from adapters.memory.accounting import FakeAccounting
from application.ports import ConnectPort, ConnectSale, NewClient, PaymentRequest
from domain.sale_status import is_posted_type


class FakeConnect(ConnectPort):
    def __init__(self, company: FakeAccounting | None = None):
        self.company = company
        self.received: list[ConnectSale] = []
        self._faults: list[tuple[bool, Exception]] = []
        self.later = False  # True: documents are made only by make_waiting(), as a person
        self.waiting: list[ConnectSale] = []  # in PayTraq's Sales Inbox would do later

    def make_waiting(self) -> None:
        while self.waiting:
            self._process(self.waiting.pop(0))

    def fail(self, error: Exception, after_write: bool = False) -> None:
        self._faults.append((after_write, error))

    def send(self, sale: ConnectSale) -> None:
        fault = self._faults.pop(0) if self._faults else None
        if fault is not None and not fault[0]:
            raise fault[1]
        self.received.append(sale)
        if self.later:
            self.waiting.append(sale)
        elif self.company is not None:
            self._process(sale)
        if fault is not None:
            raise fault[1]

    def _process(self, sale: ConnectSale) -> None:
        company, steps = self.company, sale.steps
        client_id = company.create_client(NewClient(sale.customer.display_name, 1,
                                                    sale.customer.email))
        codes = {code: product.item_id for code, product in company.products.items()}
        lines = tuple(replace(line, item_id=codes.get(line.sku)) for line in sale.document.lines)
        document = replace(sale.document, client_id=client_id, lines=lines)
        sale_id = company.create_sale(document)
        if document.totals().total != sale.total:
            return  # a mismatch: the document stays Draft, no payment (§9.4)
        if steps.approve:
            (company.post_sale if is_posted_type(document.sale_type) else company.approve_sale)(sale_id)
        if steps.money_account_id and steps.date_paid:
            company.add_payment(sale_id, PaymentRequest(
                sale.total, steps.date_paid, steps.money_account_id, "Connect",
                document.document_ref, document.sale_type.value))
        if steps.send:
            company.send_sale(sale_id)
