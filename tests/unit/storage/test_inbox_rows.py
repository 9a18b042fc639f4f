"""Every field of an InboxItem has its column, so nothing is dropped on the way to the database."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from adapters.storage.rows import item_from_row, item_to_row
from adapters.storage.tables import inbox_items
from domain.inbox import InboxItem, Step
from tests.unit.storage.examples import T0, full_item


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


def test_a_row_made_after_new_steps_holds_every_step_as_a_fresh_encoding_would():
    # Given an item's row, and then a step appended (steps are only ever appended)
    item = full_item()
    earlier_steps, earlier = list(item.steps), item_to_row(item)
    item.steps.append(Step("payment_added", T0, {"amount": "24.20"}))
    # When its row is made again from the earlier one
    again = item_to_row(item, (item.order, earlier_steps, earlier))
    # Then it is the row a fresh encoding gives, the earlier steps' forms lent, not remade
    assert again == item_to_row(item)
    assert all(a is b for a, b in zip(again["steps"], earlier["steps"], strict=False))


def test_a_step_that_is_not_the_one_encoded_before_is_encoded_afresh():
    # Given a row whose steps were made of other Step objects (a retried item read again)
    item = full_item()
    earlier = item_to_row(item)
    stale = [Step("something_else", T0, {})] + item.steps[1:]
    item.steps[0] = Step("received", T0 + timedelta(minutes=1), {"again": "yes"})
    # Then nothing of the earlier row is trusted for a step that is not that very object
    assert item_to_row(item, (item.order, stale, earlier)) == item_to_row(item)
    assert item_to_row(item, (item.order, [], earlier)) == item_to_row(item)
