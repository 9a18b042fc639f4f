"""The stock sync dispatched through the message bus, wired as bootstrap wires handlers."""

from __future__ import annotations

from adapters.memory.gateways import StaticGateways
from application.bootstrap import inject
from application.handlers.sync_stock import sync_stock_on_bus
from application.messagebus import MessageBus
from application.ports import StockSyncStatus
from application.stock_commands import SyncStock
from tests.unit.stock.scenario import mozello_product, stock_scenario


def test_a_sync_stock_command_on_the_bus_runs_the_sync_and_stores_the_run():
    # Given a bus with the handler injected by parameter name, as bootstrap does
    flow = stock_scenario(products=(mozello_product("A", stock=0, handle="a"),))
    flow.paytraq_product("A", 3)
    dependencies = {"uow": flow.uow(), "gateways": StaticGateways(flow.accounting, flow.shop),
                    "clock": flow.clock, "stock_lock": flow.lock}
    bus = MessageBus({SyncStock: inject(sync_stock_on_bus, dependencies)}, {})
    # When the command is handled
    bus.handle(SyncStock(flow.channel_id))
    # Then Mozello is synced and the run is the channel's latest
    assert flow.mozello("a").stock == 3
    with flow.uow() as uow:
        latest = uow.stock_runs.latest(flow.channel_id)
    assert latest.status is StockSyncStatus.SUCCEEDED and latest.summary == {"updated": 1}
