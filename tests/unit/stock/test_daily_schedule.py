"""When the daily stock sync is due: once per local day, at the channel's local time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.settings import StockSyncSettings
from domain.stock_sync import daily_sync_due

RIGA = ZoneInfo("Europe/Riga")
DAILY = StockSyncSettings(daily=True)  # 06:00 Europe/Riga


def riga(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=RIGA, fold=fold)


def test_not_due_when_the_daily_sync_is_off():
    assert not daily_sync_due(StockSyncSettings(daily=False), None, riga(2025, 6, 2, 12, 0))


def test_not_due_before_the_local_time():
    assert not daily_sync_due(DAILY, riga(2025, 6, 1, 6, 0), riga(2025, 6, 2, 5, 59))


def test_due_at_the_local_time():
    assert daily_sync_due(DAILY, riga(2025, 6, 1, 6, 0), riga(2025, 6, 2, 6, 0))


def test_due_the_first_time_ever_once_the_time_has_come():
    assert daily_sync_due(DAILY, None, riga(2025, 6, 2, 6, 1))
    assert not daily_sync_due(DAILY, None, riga(2025, 6, 2, 5, 0))


def test_the_local_time_is_the_channels_not_utc():
    # Given 06:00 in Riga is 03:00 UTC in summer
    now = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)
    # Then it is due at 03:00 UTC, and not at 02:59 UTC
    assert daily_sync_due(DAILY, None, now)
    assert not daily_sync_due(DAILY, None, now - timedelta(minutes=1))


def test_a_configured_time_and_zone_are_honoured():
    settings = StockSyncSettings(daily=True, daily_time=time(22, 30), timezone="America/New_York")
    new_york = ZoneInfo("America/New_York")
    assert not daily_sync_due(settings, None, datetime(2025, 6, 2, 22, 29, tzinfo=new_york))
    assert daily_sync_due(settings, None, datetime(2025, 6, 2, 22, 30, tzinfo=new_york))


def test_fires_once_per_local_day():
    # Given today's run started at 06:00
    ran = riga(2025, 6, 2, 6, 0, 5)
    # Then it is not due again today, and due again tomorrow at 06:00
    assert not daily_sync_due(DAILY, ran, riga(2025, 6, 2, 6, 1))
    assert not daily_sync_due(DAILY, ran, riga(2025, 6, 2, 23, 59))
    assert not daily_sync_due(DAILY, ran, riga(2025, 6, 3, 5, 59))
    assert daily_sync_due(DAILY, ran, riga(2025, 6, 3, 6, 0))


def test_a_run_before_todays_time_does_not_count_as_todays():
    # Given a manual run at 05:00, before the daily time
    assert daily_sync_due(DAILY, riga(2025, 6, 2, 5, 0), riga(2025, 6, 2, 6, 0))


def test_a_manual_run_after_the_time_counts_as_todays():
    assert not daily_sync_due(DAILY, riga(2025, 6, 2, 9, 0), riga(2025, 6, 2, 10, 0))


def test_a_missed_run_fires_when_the_service_wakes_later_the_same_day():
    # Given the service was down from yesterday until 14:00 today
    assert daily_sync_due(DAILY, riga(2025, 6, 1, 6, 0), riga(2025, 6, 2, 14, 0))


def test_a_day_missed_entirely_waits_for_the_next_days_time():
    # Given the last run two days ago, waking at 02:00
    assert not daily_sync_due(DAILY, riga(2025, 5, 31, 6, 0), riga(2025, 6, 2, 2, 0))


def test_the_day_clocks_go_forward_fires_at_six_local():
    # Given 2025-03-30, when Riga jumps from 03:00 EET to 04:00 EEST
    ran = riga(2025, 3, 29, 6, 0)
    # Then 06:00 EEST (03:00 UTC) is the moment, not 06:00 EET
    assert not daily_sync_due(DAILY, ran, datetime(2025, 3, 30, 2, 59, tzinfo=UTC))
    assert daily_sync_due(DAILY, ran, datetime(2025, 3, 30, 3, 0, tzinfo=UTC))


def test_a_time_the_clocks_skip_fires_at_the_jump():
    # Given a daily time of 03:30, which does not exist on 2025-03-30 in Riga
    settings = StockSyncSettings(daily=True, daily_time=time(3, 30))
    ran = riga(2025, 3, 29, 3, 30)
    # Then it fires at 04:00 EEST (01:00 UTC), the first moment past 03:30
    assert not daily_sync_due(settings, ran, datetime(2025, 3, 30, 0, 59, tzinfo=UTC))
    assert daily_sync_due(settings, ran, datetime(2025, 3, 30, 1, 0, tzinfo=UTC))


def test_the_day_clocks_go_back_fires_at_six_local():
    # Given 2025-10-26, when Riga goes back from 04:00 EEST to 03:00 EET
    ran = riga(2025, 10, 25, 6, 0)
    # Then 06:00 EET (04:00 UTC) is the moment
    assert not daily_sync_due(DAILY, ran, datetime(2025, 10, 26, 3, 59, tzinfo=UTC))
    assert daily_sync_due(DAILY, ran, datetime(2025, 10, 26, 4, 0, tzinfo=UTC))


def test_a_time_the_clocks_repeat_fires_only_once():
    # Given a daily time of 03:30, which happens twice on 2025-10-26 in Riga
    settings = StockSyncSettings(daily=True, daily_time=time(3, 30))
    first, second = riga(2025, 10, 26, 3, 30), riga(2025, 10, 26, 3, 30, fold=1)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    # When it ran at the first 03:30
    assert daily_sync_due(settings, riga(2025, 10, 25, 3, 30), first)
    # Then the second 03:30, an hour later, is not another day's run
    assert not daily_sync_due(settings, first, second.astimezone(UTC))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        daily_sync_due(DAILY, None, datetime(2025, 6, 2, 6, 0))
