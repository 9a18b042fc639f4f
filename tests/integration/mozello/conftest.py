"""The two arms of the shop contract: the in-memory FakeShop, and MozelloClient talking HTTP to
the Mozello sandbox on 127.0.0.1. Both start from the same catalogue."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from adapters.memory.shop import FakeShop
from adapters.mozello.api import MozelloClient
from adapters.mozello.sandbox.server import MozelloSandbox
from adapters.mozello.sandbox.store import MozelloSandboxState
from adapters.mozello.schemas import load_product
from adapters.mozello.transport import RetryPolicy
from domain.orders import Customer, OrderLine, PaymentStatus, SalesOrder
from tests.integration.mozello.catalogue import products

API_KEY = "MZL-7654321-fedcba9876543210fedcba9876543210"
FAST_RETRY = RetryPolicy(attempts=3, backoff=0.01, blocked_waits=(0.05, 0.1))


def client_for(sandbox: MozelloSandbox, api_key: str = API_KEY, **options) -> MozelloClient:
    options.setdefault("limiters", [])
    options.setdefault("retry", FAST_RETRY)
    return MozelloClient(api_key, sandbox.base_url, **options)


def fresh_state() -> MozelloSandboxState:
    state = MozelloSandboxState(api_key=API_KEY, alias="contract-shop")
    state.rate_limit.enabled = False
    for product in products():
        state.create_product(product)
    return state


@pytest.fixture(scope="session")
def running_sandbox():
    running = MozelloSandbox().start()
    yield running
    running.stop()


@pytest.fixture
def sandbox(running_sandbox):
    """The session's sandbox server, serving a fresh shop for this test."""
    running_sandbox.outbox.stop()
    return running_sandbox.reset(fresh_state())


class FakeArm:
    name = "fake"

    def __init__(self):
        self.shop = FakeShop([load_product(p) for p in products()])
        self._number = 0

    def bad_key_shop(self) -> FakeShop:
        return FakeShop(key_valid=False)

    def add_order(self, at: datetime) -> str:
        self._number += 1
        order = SalesOrder(
            order_id=f"M-1-{self._number}", created_at=at, currency="EUR",
            customer=Customer("Anna Bērziņa"),
            lines=(OrderLine("TT-100", "Linen tea towel, TT-100", Decimal(1), Decimal("24.2"),
                             Decimal(21)),),
            payment_method="gateway", payment_status=PaymentStatus.PENDING,
            subtotal=Decimal("24.2"), taxes=Decimal("4.2"), total=Decimal("24.2"))
        self.shop.add_order(order, modified_at=at)
        return order.order_id


class SandboxArm:
    name = "mozello"

    def __init__(self, sandbox: MozelloSandbox):
        self.sandbox = sandbox
        self.shop = client_for(sandbox)

    def bad_key_shop(self) -> MozelloClient:
        return client_for(self.sandbox, api_key="MZL-0000000-not-the-key")

    def add_order(self, at: datetime) -> str:
        self.sandbox.state.clock = lambda: at
        return self.sandbox.place_order([("TT-100", 1)])["order_id"]


@pytest.fixture(params=["fake", "mozello"])
def arm(request):
    if request.param == "fake":
        return FakeArm()
    return SandboxArm(request.getfixturevalue("sandbox"))
