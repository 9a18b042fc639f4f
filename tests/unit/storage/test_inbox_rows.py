"""Every field of an InboxItem has its column, so nothing is dropped on the way to the database."""

from __future__ import annotations

import dataclasses

from adapters.storage.rows import item_from_row, item_to_row
from adapters.storage.tables import inbox_items
from domain.inbox import InboxItem
from tests.unit.storage.examples import full_item


def test_every_inbox_item_field_has_a_column_in_inbox_items():
    # Given the fields of InboxItem and the columns of inbox_items
    fields = {f.name for f in dataclasses.fields(InboxItem)}
    columns = {c.name for c in inbox_items.columns} - {"id", "search_text", "revisit_at"}
    # Then they are the same (beside the derived search and revisit columns): a new field needs
    # a column and a migration
    assert fields == columns, f"add a column and a migration for {sorted(fields - columns)}"


def test_an_item_turned_into_a_row_and_back_is_equal():
    item = full_item()
    assert item_from_row(item_to_row(item)) == item


def test_a_row_carries_what_the_inbox_search_looks_in():
    # Given an item of Jānis Bērziņš, janis@example.lv
    row = item_to_row(full_item("shop-a", "M-77"))
    # Then its search column holds the order id, the buyer and the e-mail, in lower case
    assert "m-77" in row["search_text"]
    assert "jānis bērziņš" in row["search_text"] and "janis@example.lv" in row["search_text"]
