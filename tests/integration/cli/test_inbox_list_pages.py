"""`sales-inbox inbox list` reads the inbox a page at a time: every item once, newest first, the
same JSON text as before, however many items there are."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from application.inbox_listing import MAX_PAGE
from application.ports import ChannelCredentials
from domain.inbox import InboxItem, InboxStatus
from domain.settings import Channel
from tests.integration.cli.conftest import invoke
from tests.unit.builders import order

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
COUNT = MAX_PAGE + 37  # more than one page


def fill_inbox(runtime) -> list[str]:
    with runtime.uow_factory() as uow:
        uow.channels.add(Channel("shop", "Shop"), ChannelCredentials())
        for n in range(COUNT):
            status = InboxStatus.FAILED if n % 10 == 0 else InboxStatus.RECEIVED
            uow.inbox.add(InboxItem("shop", f"M-{n:04}", order(order_id=f"M-{n:04}"),
                                    received_at=T0 + timedelta(minutes=n), status=status))
        uow.commit()
    return [f"M-{n:04}" for n in range(COUNT)]


def test_inbox_list_json_has_every_item_once_newest_first_across_pages(fast_cli):
    # Given more items than one page holds
    order_ids = fill_inbox(fast_cli)
    # When the inbox is listed as JSON
    result = invoke("inbox", "list", "--json")
    # Then it is one JSON array with every item once, newest first, indented as before
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [i["order_id"] for i in listed] == order_ids[::-1]
    assert result.stdout == json.dumps(listed, indent=2, ensure_ascii=False) + "\n"


def test_inbox_list_filters_by_status_across_pages_and_prints_every_row(fast_cli):
    order_ids = fill_inbox(fast_cli)
    failed = json.loads(invoke("inbox", "list", "--status", "failed", "--json").stdout)
    table = invoke("inbox", "list").stdout.splitlines()
    assert [i["order_id"] for i in failed] == order_ids[::10][::-1]
    assert len(table) == 1 + COUNT


def test_an_empty_inbox_lists_as_an_empty_json_array(fast_cli):
    assert invoke("inbox", "list", "--json").stdout == "[]\n"
