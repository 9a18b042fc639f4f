"""The stock sync as the running service does it: the "Sinhronizēt" button (JSON API) and the
daily run at the channel's local time."""

from datetime import UTC, datetime, time
from decimal import Decimal

import requests

from domain.settings import StockSyncSettings
from domain.stock_sync import daily_sync_due
from entrypoints.worker.scheduler import scheduled_jobs


def mozello_stock(service, sku: str):
    for record in service.mozello.state.products.values():
        data = record.data
        if data.get("sku") == sku:
            return data.get("stock")
        for variant in data.get("variants") or []:
            if variant.get("sku") == sku:
                return variant.get("stock")
    raise KeyError(sku)


def paytraq_product(service, code: str):
    return next(p for p in service.paytraq.state.products.values() if p.code == code)


def test_the_sync_button_makes_mozello_stock_paytraq_stock_minus_approved_orders(service):
    # Given an approved sales order of 2 × TT-100 in PayTraq (from a paid shop order)
    service.mozello.place_order([("TT-100", 2)], paid=True)
    service.settle()
    on_hand = paytraq_product(service, "TT-100").stock["1"]
    # When the shop owner presses "Sinhronizēt"
    answer = requests.post(f"{service.base_url}/api/channels/{service.channel_id}/sync",
                           headers=service.api_headers, timeout=10)
    assert answer.status_code == 202
    service.join()
    # Then Mozello offers what PayTraq has, less what approved orders hold
    assert mozello_stock(service, "TT-100") == int(on_hand) - 2
    runs = requests.get(f"{service.base_url}/api/channels/{service.channel_id}/sync",
                        headers=service.api_headers, timeout=10).json()
    assert runs[0]["status"] == "succeeded" and runs[0]["summary"]["updated"] >= 1
    # And prices follow the retail price group
    price = paytraq_product(service, "WS-01").prices["1476"]
    ws = next(r.data for r in service.mozello.state.products.values() if r.data.get("sku") == "WS-01")
    assert Decimal(str(ws["price"])) == price


def test_a_dry_run_writes_nothing(service):
    before = mozello_stock(service, "NB-A5")
    answer = requests.post(
        f"{service.base_url}/api/channels/{service.channel_id}/sync?dry_run=1",
        headers=service.api_headers, timeout=10)
    assert answer.status_code == 202
    service.join()
    assert mozello_stock(service, "NB-A5") == before
    runs = requests.get(f"{service.base_url}/api/channels/{service.channel_id}/sync",
                        headers=service.api_headers, timeout=10).json()
    assert runs[0]["dry_run"] is True and runs[0]["summary"].get("would_update", 0) >= 1


def test_the_daily_sync_fires_once_at_the_channels_local_time(service):
    from entrypoints.worker import actors  # after the fixture set up the broker

    # Given the channel's daily sync at 06:00 Europe/Riga (04:00 UTC in winter)
    jobs = scheduled_jobs(service.runtime, actors)
    service.runtime.clock = FixedClock(datetime(2026, 1, 15, 3, 59, tzinfo=UTC))
    assert jobs.daily_sync() == 0
    # When the clock passes 06:00 local time
    service.runtime.clock = FixedClock(datetime(2026, 1, 15, 4, 1, tzinfo=UTC))
    assert jobs.daily_sync() == 1
    service.join()
    # Then it ran, and it does not fire again the same day
    service.runtime.clock = FixedClock(datetime(2026, 1, 15, 9, 0, tzinfo=UTC))
    assert jobs.daily_sync() == 0
    # and fires again the next morning
    service.runtime.clock = FixedClock(datetime(2026, 1, 16, 4, 0, tzinfo=UTC))
    assert jobs.daily_sync() == 1


def test_the_daily_rule_is_the_domain_rule():
    settings = StockSyncSettings(daily=True, daily_time=time(6, 0))
    assert daily_sync_due(settings, None, datetime(2026, 7, 1, 3, 0, tzinfo=UTC)) is True  # 06:00 EEST


class FixedClock:
    def __init__(self, now: datetime):
        self._now = now

    def now(self) -> datetime:
        return self._now
