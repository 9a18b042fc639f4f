"""Days as the shop's people live them (Europe/Riga), turned into the instants storage keeps."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHOP_TIMEZONE = "Europe/Riga"


def day_start(day: date, timezone: str = SHOP_TIMEZONE) -> datetime:
    """The first instant of `day` in `timezone` (DST-aware)."""
    return datetime.combine(day, time(0), ZoneInfo(timezone))


def day_after(day: date, timezone: str = SHOP_TIMEZONE) -> datetime:
    """The first instant after `day`: an exclusive end, so `to` days include their last hour."""
    return day_start(day + timedelta(days=1), timezone)


def local_day(moment: datetime, timezone: str = SHOP_TIMEZONE) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()
