"""Domain objects -> JSON-able dicts -> domain objects, exactly."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.storage.serialisation import (
    channel_from_dict,
    channel_to_dict,
    inbox_item_from_dict,
    inbox_item_to_dict,
    order_from_dict,
    order_to_dict,
    settings_from_dict,
    settings_to_dict,
)
from domain.inbox import DocumentRecord, InboxItem, PaymentRecord, Step
from domain.orders import OrderDiscount, OrderLine, SalesOrder, Shipping
from domain.review import ReviewReason
from domain.settings import Channel, ChannelSettings, PaymentMapping, StockSyncSettings, Trigger
from tests.unit.storage.examples import full_item, full_order, rich_channel, rich_settings


def through_json(data: object) -> object:
    return json.loads(json.dumps(data))


def test_a_full_inbox_item_survives_the_trip_through_json():
    # Given an inbox item with order, document, payment, reasons and steps
    item = full_item()
    # When it is turned into JSON and back
    again = inbox_item_from_dict(through_json(inbox_item_to_dict(item)))
    # Then it is equal, field by field
    assert again == item
    assert again.order.lines[1].variant == ("Ozols", "Liels")
    assert again.reasons[0].details == item.reasons[0].details


def test_decimals_keep_their_exact_digits_as_strings():
    # Given an order whose amounts have trailing zeros, exponents and a negative zero
    order = full_order()
    # When it is serialised
    data = order_to_dict(order)
    # Then amounts are strings with the very same digits, and come back identical
    assert data["total"] == "93.4700"
    assert data["taxes"] == "-0.00"
    assert data["lines"][1]["unit_price"] == "1E+2"
    back = order_from_dict(data)
    assert str(back.total) == "93.4700" and str(back.lines[1].unit_price) == "1E+2"


def test_datetimes_are_iso_with_their_offset():
    # Given an item received at a Riga time
    item = full_item()
    # When it is serialised
    data = inbox_item_to_dict(item)
    # Then the time carries its offset and means the same instant on the way back
    assert data["received_at"] == "2024-05-14T09:30:15.123456+03:00"
    assert inbox_item_from_dict(data).received_at == item.received_at


def test_a_naive_datetime_is_refused_with_a_clear_message():
    # Given an item whose receipt time has no timezone
    item = full_item()
    item.received_at = datetime(2024, 5, 14, 9, 30)
    # When it is serialised, Then it is refused
    with pytest.raises(ValueError, match="naive datetime"):
        inbox_item_to_dict(item)


def test_a_float_amount_is_refused():
    # Given an item whose total was computed as a float
    item = full_item()
    item.shop_total = 93.47  # type: ignore[assignment]
    # When it is serialised, Then it is refused
    with pytest.raises(TypeError, match="not a Decimal"):
        inbox_item_to_dict(item)


def test_channel_settings_keep_enums_decimals_times_and_tuples():
    # Given settings using every kind of value
    settings = rich_settings()
    # When they go to JSON and back
    again = settings_from_dict(through_json(settings_to_dict(settings)))
    # Then they are equal and still typed
    assert again == settings
    assert again.trigger_overrides[0] == ("bank_transfer", Trigger.PAID)
    assert again.tax_keys[1] == (Decimal("0.0"), "TK-0")
    assert isinstance(again.payment_mappings[1], PaymentMapping)


def test_a_channel_survives_the_trip_through_json():
    channel = rich_channel()
    assert channel_from_dict(through_json(channel_to_dict(channel))) == channel


def test_settings_stored_before_a_field_existed_load_with_its_default():
    # Given stored settings lacking a field (written by an older version)
    data = settings_to_dict(ChannelSettings())
    del data["email_via"]
    # When they are loaded, Then the field takes its default
    assert settings_from_dict(data) == ChannelSettings()


def test_an_unknown_stored_field_is_an_error_not_silently_dropped():
    data = settings_to_dict(ChannelSettings())
    data["surprise"] = True
    with pytest.raises(ValueError, match="surprise"):
        settings_from_dict(data)


# --- properties -----------------------------------------------------------------------------

offsets = st.sampled_from([UTC, timezone(timedelta(hours=3)), timezone(timedelta(hours=-5, minutes=-30))])
aware = st.datetimes(timezones=offsets)
amounts = st.decimals(allow_nan=False, allow_infinity=False)
maybe = st.none().__or__
text = st.text(max_size=12)

lines = st.builds(OrderLine, sku=text, name=text, quantity=amounts, unit_price=amounts, vat_rate=maybe(amounts),
                  variant=st.lists(text, max_size=3).map(tuple))
orders = st.builds(
    SalesOrder,
    created_at=aware,
    lines=st.lists(lines, max_size=3).map(tuple),
    subtotal=amounts,
    taxes=amounts,
    total=amounts,
    shipping=maybe(st.builds(Shipping, method=text, price=amounts, vat_rate=maybe(amounts))),
    discount=maybe(st.builds(OrderDiscount, code=text, amount=amounts)),
)
items = st.builds(
    InboxItem,
    order=orders,
    received_at=aware,
    updated_at=maybe(aware),
    document=maybe(st.builds(DocumentRecord, total=maybe(amounts))),
    document_created_at=maybe(aware),
    finalised_at=maybe(aware),
    payment=maybe(st.builds(PaymentRecord, amount=amounts, at=aware)),
    emailed_at=maybe(aware),
    cancelled_at=maybe(aware),
    reasons=st.lists(st.builds(ReviewReason), max_size=3),
    shop_total=maybe(amounts),
    paytraq_total=maybe(amounts),
    steps=st.lists(st.builds(Step, at=aware, detail=st.dictionaries(text, text, max_size=3)), max_size=3),
)
settings_values = st.builds(
    ChannelSettings,
    tax_keys=st.lists(st.tuples(amounts, text), max_size=3).map(tuple),
    rounding_limit=amounts,
    stock_sync=st.builds(StockSyncSettings, daily_time=st.times(timezones=st.none() | offsets)),
)


@settings(deadline=None)
@given(orders)
def test_any_order_round_trips(order: SalesOrder):
    assert order_from_dict(through_json(order_to_dict(order))) == order


@settings(deadline=None)
@given(items)
def test_any_inbox_item_round_trips(item: InboxItem):
    assert inbox_item_from_dict(through_json(inbox_item_to_dict(item))) == item


@settings(deadline=None)
@given(st.builds(Channel, id=text, name=text, settings=settings_values))
def test_any_channel_round_trips(channel: Channel):
    assert channel_from_dict(through_json(channel_to_dict(channel))) == channel
