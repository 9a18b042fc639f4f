"""An OrderRun over the in-memory fakes: each step tested on its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.mailers.paytraq import PayTraqMailer
from adapters.memory.accounting import FakeAccounting
from adapters.memory.clock import SteppingClock
from adapters.memory.uow import InMemoryUnitOfWork
from application.order_steps.run import OrderRun
from domain.inbox import InboxItem
from domain.settings import Channel
from tests.unit.builders import GATEWAY_ACCOUNT, TAX_KEYS, order, settings


def make_run(snapshot=None, *, proven: bool = False, uow: InMemoryUnitOfWork | None = None,
             accounting: FakeAccounting | None = None, **channel_settings) -> OrderRun:
    """A run on channel shop-1; `proven`: its write test passed; `uow`, `accounting`: shared
    with an earlier run (what the database and PayTraq already hold)."""
    if accounting is None:
        accounting = FakeAccounting(TAX_KEYS, money_accounts=[GATEWAY_ACCOUNT])
        accounting.add_product("TT-100", "Product TT-100")
    uow = uow or InMemoryUnitOfWork()
    clock = SteppingClock(datetime(2026, 1, 15, 10, 0, tzinfo=UTC))
    if proven:
        uow.write_dialects.record_write_test("shop-1", kept=True, at=clock.now())
        uow.commit()
    snapshot = snapshot or order()
    item = InboxItem("shop-1", snapshot.order_id, snapshot, clock.now())
    return OrderRun(item, Channel("shop-1", "Shop", settings(**channel_settings)), accounting,
                    PayTraqMailer(accounting), uow.clients, uow.sku_cache, clock, uow.commit,
                    remembered=uow.write_dialects)


@pytest.fixture
def run() -> OrderRun:
    return make_run(approve=True, add_payment=True, send_email=True)
