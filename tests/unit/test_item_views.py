"""Presenting an inbox item never fails because of its data (issue 13, defect 4): one absurd
order must not break the inbox listing, the item's page or `inbox list --json` for everyone."""

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.inbox import InboxItem
from entrypoints.views import item_detail, item_summary
from tests.unit.builders import order

D = Decimal


@pytest.mark.parametrize(("total", "shown"), [
    ("1e30", "1" + "0" * 30 + ".00"),
    ("-1e30", "-1" + "0" * 30 + ".00"),
    ("1e400", "1" + "0" * 400 + ".00"),
    ("123456789012345678901234567.995", "123456789012345678901234568.00"),
])
def test_an_item_with_an_absurd_total_is_presented_in_full(total, shown):
    # Given an item whose order total no shop could charge
    item = InboxItem("shop", "M-1", replace(order(), total=D(total)),
                     received_at=datetime(2026, 1, 15, tzinfo=UTC))
    item.paytraq_total = D(total)
    # When the listing and the detail present it
    summary, detail = item_summary(item), item_detail(item)
    # Then both are plain JSON, the amount written out to the cent
    json.dumps(summary), json.dumps(detail)
    assert summary["shop_total"] == summary["paytraq_total"] == shown


def test_amounts_are_rounded_half_up_to_cents():
    item = InboxItem("shop", "M-1", replace(order(), total=D("24.205")),
                     received_at=datetime(2026, 1, 15, tzinfo=UTC))
    assert item_summary(item)["shop_total"] == "24.21"
