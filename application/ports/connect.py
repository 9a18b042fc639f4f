"""PayTraq Connect as a transport (paytraq-api.md §9.2, DECISIONS R6): one documented call per
order into PayTraq's own Sales Inbox, which creates the document, checks its totals against the
`Total` and `Taxes` sent, and approves, pays and e-mails it as `AutoProcessing` asks."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.documents import Document
from domain.orders import Customer


@dataclass(frozen=True, slots=True)
class AutoSteps:
    """`AutoProcessing`: what PayTraq does after creating the document."""

    process: bool = True
    approve: bool = False
    send: bool = False
    money_account_id: str | None = None  # AddPayment/MoneyAccountID (None: no payment)
    date_paid: date | None = None


@dataclass(frozen=True, slots=True)
class ConnectSale:
    """The payload: the document (lines by ItemCode = SKU), the buyer by name, registration
    number and e-mail (PayTraq finds or creates the client), and the shop's Total and Taxes."""

    document: Document
    customer: Customer
    total: Decimal
    taxes: Decimal
    steps: AutoSteps


class ConnectPort(abc.ABC):
    @abc.abstractmethod
    def send(self, sale: ConnectSale) -> None:
        """Deliver the order to the channel's Connect URL. Raises TransientError when it may be
        retried (AmbiguousWrite when PayTraq may have taken it without answering)."""
