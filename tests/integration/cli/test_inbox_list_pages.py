"""`sales-inbox inbox list` shows the newest 50 matching items (one page read, whatever the size of
the inbox), `--limit N` as many as asked, `--all` every item once; a listing cut short says so on
stderr with the `--after` cursor that continues exactly where it stopped. `--json` is one JSON
array on stdout, the same text as before."""

from __future__ import annotations

import json
import shlex
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from application.inbox_listing import MAX_PAGE
from application.ports import ChannelCredentials
from domain.inbox import InboxItem, InboxStatus
from domain.settings import Channel
from entrypoints.runtime import Runtime
from tests.integration.cli.conftest import human_lines, invoke
from tests.services import require_postgres
from tests.unit.builders import order

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
COUNT = MAX_PAGE + 37  # more than one page


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, env, monkeypatch) -> Iterator[Runtime]:
    """The CLI's runtime (the conftest's `fast_cli`) over SQLite, and over a PostgreSQL
    database of the test's own, dropped afterwards: the keyset cursor works on both."""
    if request.param == "sqlite":
        yield request.getfixturevalue("fast_cli")
        return
    admin = sa.create_engine(require_postgres(), isolation_level="AUTOCOMMIT")
    name = f"sales_inbox_cli_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    env["SALES_INBOX_DATABASE_URL"] = url
    monkeypatch.setenv("SALES_INBOX_DATABASE_URL", url)
    try:
        yield request.getfixturevalue("fast_cli")
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def fill_inbox(runtime, count: int = COUNT) -> list[str]:
    """`count` items, oldest first (every tenth failed); their order ids in that order."""
    with runtime.uow_factory() as uow:
        uow.channels.add(Channel("shop", "Shop"), ChannelCredentials())
        for n in range(count):
            status = InboxStatus.FAILED if n % 10 == 0 else InboxStatus.RECEIVED
            uow.inbox.add(InboxItem("shop", f"M-{n:04}", order(order_id=f"M-{n:04}"),
                                    received_at=T0 + timedelta(minutes=n), status=status))
        uow.commit()
    return [f"M-{n:04}" for n in range(count)]


def listed(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [i["order_id"] for i in json.loads(result.stdout)]


def cursor_in_hint(stderr: str) -> str:
    """The `--after` value the hint gives, as a shell would pass it on."""
    (hint,) = human_lines(stderr)
    words = shlex.split(hint)
    return words[words.index("--after") + 1]


def test_inbox_list_json_all_has_every_item_once_newest_first_across_pages(cli):
    # Given more items than one page holds
    order_ids = fill_inbox(cli)
    # When the whole inbox is listed as JSON
    result = invoke("inbox", "list", "--all", "--json")
    # Then it is one JSON array with every item once, newest first, indented as before
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [i["order_id"] for i in listed] == order_ids[::-1]
    assert result.stdout == json.dumps(listed, indent=2, ensure_ascii=False) + "\n"
    # and nothing is left to hint at
    assert human_lines(result.stderr) == []


def test_inbox_list_filters_by_status_across_pages_and_prints_every_row(cli):
    order_ids = fill_inbox(cli)
    failed = json.loads(invoke("inbox", "list", "--status", "failed", "--json").stdout)
    table = invoke("inbox", "list", "--all").stdout.splitlines()
    assert [i["order_id"] for i in failed] == order_ids[::10][::-1]
    assert len(table) == 1 + COUNT


def test_inbox_list_shows_the_newest_50_and_says_on_stderr_that_more_match(cli):
    # Given 60 items
    order_ids = fill_inbox(cli, 60)
    # When the inbox is listed, as JSON and as a table
    as_json = invoke("inbox", "list", "--json")
    table = invoke("inbox", "list")
    # Then each shows the newest 50, stdout staying one JSON array
    assert listed(as_json) == order_ids[::-1][:50]
    assert len(table.stdout.splitlines()) == 1 + 50
    # and stderr says, in one line, that more match and how to see them
    for result in (as_json, table):
        (hint,) = human_lines(result.stderr)
        assert hint.startswith("showing the newest 50; more match: --limit N, --all, or --after ")
        assert cursor_in_hint(result.stderr)


def test_inbox_list_limit_shows_as_many_as_asked_even_beyond_one_page(cli):
    order_ids = fill_inbox(cli)
    five = invoke("inbox", "list", "--limit", "5", "--json")
    many = invoke("inbox", "list", "--limit", str(MAX_PAGE + 10), "--json")
    exactly = invoke("inbox", "list", "--limit", str(COUNT), "--json")
    assert listed(five) == order_ids[::-1][:5]
    assert human_lines(five.stderr)[0].startswith("showing the newest 5; more match")
    assert listed(many) == order_ids[::-1][:MAX_PAGE + 10]
    # a limit the inbox just fills: nothing more matches, so no hint
    assert listed(exactly) == order_ids[::-1] and human_lines(exactly.stderr) == []


def test_inbox_list_after_continues_exactly_where_the_listing_stopped(cli):
    # Given 237 items, and the newest 50 listed
    order_ids = fill_inbox(cli)
    first = invoke("inbox", "list", "--json")
    # When the listing goes on from the cursor it printed, 100 at a time, then to the end
    second = invoke("inbox", "list", "--after", cursor_in_hint(first.stderr), "--limit", "100",
                    "--json")
    rest = invoke("inbox", "list", "--after", cursor_in_hint(second.stderr), "--all", "--json")
    # Then together they hold every item once, newest first, none twice or missing
    assert listed(first) + listed(second) + listed(rest) == order_ids[::-1]
    assert human_lines(second.stderr)[0].startswith("showing the 100 after the given cursor;")
    assert human_lines(rest.stderr) == []


def test_inbox_list_after_keeps_to_the_filters(cli):
    order_ids = fill_inbox(cli)
    first = invoke("inbox", "list", "--status", "failed", "--limit", "3", "--json")
    rest = invoke("inbox", "list", "--status", "failed", "--after", cursor_in_hint(first.stderr),
                  "--json")
    assert listed(first) + listed(rest) == order_ids[::10][::-1]


@pytest.mark.parametrize("cursor", ["nonsense", "2026-02-02T09:00:00|shop|M-0001",
                                    "0001-01-01T00:00:00+05:00|shop|M-0001"])
def test_a_cursor_no_listing_gave_is_a_clear_usage_error(cli, cursor):
    fill_inbox(cli, 3)
    result = invoke("inbox", "list", "--after", cursor)
    assert result.exit_code == 2
    assert "Invalid value for '--after'" in result.stderr
    assert f"{cursor!r} is not a cursor a listing gave" in result.stderr
    assert result.stdout == ""


def test_limit_and_all_together_are_a_usage_error(cli):
    result = invoke("inbox", "list", "--limit", "5", "--all")
    assert result.exit_code == 2
    assert "--limit and --all exclude each other" in result.stderr


def test_a_listing_past_the_last_item_says_no_items_match(cli):
    order_ids = fill_inbox(cli, 3)
    first = invoke("inbox", "list", "--limit", "3")
    last = invoke("inbox", "list", "--after", f"{T0.isoformat()}|shop|{order_ids[0]}")
    assert len(first.stdout.splitlines()) == 1 + 3 and human_lines(first.stderr) == []
    assert last.stdout == "no items match\n"


def test_an_empty_inbox_lists_as_an_empty_json_array(cli):
    assert invoke("inbox", "list", "--json").stdout == "[]\n"
