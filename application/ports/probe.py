"""What `channel check` needs from PayTraq beyond the order flow: the first page of the sales
list as PayTraq answers it (to see which filters it honours), and a document read back element
by element (to compare a test document with what was sent)."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from decimal import Decimal

from application.ports.accounting import SaleSummary


@dataclass(frozen=True, slots=True)
class ContentLine:
    item_id: str | None
    qty: Decimal
    price: Decimal
    discount_pct: Decimal
    tax_key_id: str


@dataclass(frozen=True, slots=True)
class ContentCharge:
    """The shipping charge, or an adjustment (`type` discount|charge, `basis` amount|pct)."""

    amount: Decimal
    tax_key_id: str
    type: str = ""
    basis: str = ""


@dataclass(frozen=True, slots=True)
class SaleContents:
    id: str
    ref: str
    status: str
    currency: str
    include_tax: bool
    total: Decimal
    tax: Decimal
    lines: tuple[ContentLine, ...]
    shipping: ContentCharge | None
    adjustments: tuple[ContentCharge, ...]


class AccountingProbe(abc.ABC):
    @abc.abstractmethod
    def sales_listed(self, status: str = "") -> list[SaleSummary]:
        """The first page of `GET sales` (with `status=` when given), unfiltered by us."""

    @abc.abstractmethod
    def sale_contents(self, sale_id: str) -> SaleContents: ...
