"""One absurd stored order does not break the inbox for everyone (issue 13, defect 4)."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import requests

from domain.inbox import InboxItem
from tests.unit.builders import order


def test_the_inbox_and_the_items_page_answer_with_an_order_totalling_1e30(service):
    # Given an order stored with a total of 1e30 (from before the intake bounded amounts)
    absurd = replace(order(order_id="M-ABSURD"), total=Decimal("1e30"))
    with service.runtime.uow_factory() as uow:
        uow.inbox.add(InboxItem(service.channel_id, "M-ABSURD", absurd,
                                received_at=datetime.now(UTC)))
        uow.commit()
    # When the inbox and the item's page are asked for
    listing = requests.get(f"{service.base_url}/api/inbox", headers=service.api_headers,
                           timeout=10)
    page = requests.get(f"{service.base_url}/api/inbox/{service.channel_id}/M-ABSURD",
                        headers=service.api_headers, timeout=10)
    # Then both answer, the amount written out in full
    assert listing.status_code == page.status_code == 200
    assert [i["shop_total"] for i in listing.json()] == ["1" + "0" * 30 + ".00"]
    assert page.json()["order_id"] == "M-ABSURD"
