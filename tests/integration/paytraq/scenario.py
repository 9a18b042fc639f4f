"""Shared ground for the PayTraq integration tests: the seeded company, both implementations of
the AccountingPort (the in-memory fake and the HTTP client against the sandbox), documents."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from adapters.memory.accounting import FakeAccounting
from adapters.paytraq.api import PayTraqClient
from adapters.paytraq.sandbox.faults import SandboxControls
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.paytraq.sandbox.state import DEFAULT_SEED, SandboxState
from adapters.paytraq.transport import RetryPolicy, Timeouts
from adapters.ratelimit import DailyBudget, NoRateLimit, RateLimiter
from application.ports import AccountingPort, NewClient
from domain.documents import Document, DocumentLine, ShippingCharge
from domain.orders import Address
from domain.paytraq_totals import TaxKey
from domain.settings import DocumentType, Operation

SEED = json.loads(DEFAULT_SEED.read_text(encoding="utf-8"))
VAT21 = TaxKey("100021", "PVN 21%", Decimal(21))
GATEWAY_ACCOUNT, PAYPAL_ACCOUNT, BANK_ACCOUNT = "5011", "5012", "5013"
WAREHOUSE = "1"
RETAIL_PRICES = "1476"
FAST_RETRY = RetryPolicy(attempts=4, backoff=0.01, backoff_cap=0.05)
# The stalls the tests inject outlast SHORT_TIMEOUTS' read timeout on purpose; any other answer
# of the local sandbox is waited for as long as a loaded CI machine may need (a timeout there
# would add a retry to the requests a test counts)
SHORT_TIMEOUTS = Timeouts(connect=2.0, read=0.5)
TIMEOUTS = Timeouts(connect=10.0, read=10.0)


def seeded_fake() -> FakeAccounting:
    keys = [
        TaxKey(k["id"], k["name"], None if k["rate"] is None else Decimal(k["rate"]))
        for k in SEED["tax_keys"]
    ]
    fake = FakeAccounting(keys, [a["id"] for a in SEED["money_accounts"]])
    for p in SEED["products"]:
        fake.add_product(
            p["code"], p["name"],
            {wh: Decimal(q) for wh, q in p["stock"].items()},
            {group: Decimal(v) for group, v in p["prices"].items()},
        )
    return fake


def quiet_sandbox(**controls) -> PayTraqSandbox:
    """A freshly seeded sandbox on a free port; no rate limit unless one is asked for."""
    controls.setdefault("rate_limit", None)
    return PayTraqSandbox(SandboxState.from_file(), controls=SandboxControls(**controls)).start()


def client_for(sandbox: PayTraqSandbox, *, limiter: RateLimiter | None = None,
               budget: DailyBudget | None = None, retry: RetryPolicy = FAST_RETRY,
               timeouts: Timeouts = TIMEOUTS, **options) -> PayTraqClient:
    return PayTraqClient(
        sandbox.api_key, sandbox.api_token, sandbox.base_url,
        limiter=limiter or NoRateLimit(), budget=budget or DailyBudget(100_000),
        retry=retry, timeouts=timeouts, **options,
    )


@dataclass
class Company:
    """One implementation of the port, and what the tests need to drive it."""

    name: str
    port: AccountingPort
    sandbox: PayTraqSandbox | None = None


def new_client(port: AccountingPort, email: str = "janis.berzins@example.lv") -> str:
    return port.create_client(NewClient(
        name="Jānis Bērziņš", type=1, email=email, phone="+37120000000",
        address="Brīvības iela 100-5, Rīga", zip="LV-1011", country="LV",
    ))


def invoice_14_2(port: AccountingPort, client_id: str, ref: str = "WEB-10045",
                 sale_type: DocumentType = DocumentType.SALES_INVOICE) -> Document:
    """The sales invoice of paytraq-api.md §14.2: 2 × 3.99, 12.50 − 10 %, shipping 2.99."""
    return Document(
        document_ref=ref,
        document_date=date(2026, 2, 4),
        client_id=client_id,
        sale_type=sale_type,
        operation=Operation.SELL_GOODS,
        currency="EUR",
        include_tax=True,
        lines=(
            DocumentLine("NB-A5", port.find_item_id("NB-A5"), "Notebook A5 [NB-A5]",
                         Decimal(2), Decimal("3.99"), VAT21),
            DocumentLine("WS-01", port.find_item_id("WS-01"), "Wool socks [WS-01]",
                         Decimal(1), Decimal("12.50"), VAT21, Decimal(10)),
        ),
        shipping=ShippingCharge(Decimal("2.99"), VAT21),
        comment=f"{ref}, Payment Gateway",
        warehouse_id=WAREHOUSE,
        ship_to="Jānis Bērziņš, +37120000000",
        delivery_address=Address("Brīvības iela 100", "Rīga", "1011", "lv"),
    )
