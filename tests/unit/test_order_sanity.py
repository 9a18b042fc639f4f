"""Absurd orders are held for a person before PayTraq hears of them (issue 13, defect 2)."""

from dataclasses import replace
from decimal import Decimal

from domain.order_sanity import order_sanity_problems
from domain.orders import OrderDiscount, Shipping
from tests.unit.builders import line, order, pipeline, settings

D = Decimal
ALL_ON = dict(approve=True, add_payment=True, send_email=True)


def test_a_negative_price_is_held_for_review_without_any_paytraq_call():
    # Given an order whose only line costs -24.20
    flow = pipeline(settings(**ALL_ON))
    # When it arrives paid on an automatic channel
    flow.receive(order(lines=(line("TT-100", "-24.20"),), total="-24.20"))
    # Then it waits for a person, saying which line is wrong, and PayTraq was never asked
    item = flow.item()
    assert item.status.value == "needs_review"
    assert [r.code.value for r in item.reasons] == ["order_not_sane", "order_not_sane"]
    assert "negative price -24.20" in item.reasons[0].message
    assert flow.accounting.calls == []


def test_a_negative_quantity_creates_no_client():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(lines=(line("TT-100", "24.20", qty="-1"),), total="24.20"))
    assert flow.item().status.value == "needs_review"
    assert "quantity -1" in flow.item().reasons[0].message
    assert flow.accounting.clients == {}


def test_an_order_in_a_currency_the_channel_does_not_book_is_held():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(replace(order(), currency="XYZ"))
    (reason,) = flow.item().reasons
    assert reason.message == "the order is in XYZ, but the channel books in EUR"
    assert flow.sales() == [] and flow.accounting.overpayments == []


def test_a_total_beyond_any_plausible_sale_is_held():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(lines=(line("TT-100", "9999999.00"),), total="9999999.00"))
    assert "above 1000000" in flow.item().reasons[0].message
    assert flow.accounting.calls == []


def test_a_zero_total_order_is_booked_and_emailed_but_no_payment_is_added():
    # Given a free order (a 100 % discount), paid
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(discount=OrderDiscount("FREE", D("24.20")), total="0.00", taxes="0.00"))
    # Then the document is approved and e-mailed, but no payment of 0.00 was attempted
    assert flow.item().status.value == "emailed" and len(flow.sales()) == 1
    assert "add_payment" not in flow.accounting.calls
    assert flow.accounting.overpayments == []


def test_a_plausible_order_has_no_sanity_problems():
    plausible = order(shipping=Shipping("DPD", D("3.00"), D("21")), total="27.20")
    assert order_sanity_problems(plausible, settings()) == []


def test_negative_shipping_and_discounts_are_named_separately():
    odd = order(shipping=Shipping("DPD", D("-3.00"), D("21")),
                discount=OrderDiscount("X", D("-1.00")), total="22.20")
    messages = [r.message for r in order_sanity_problems(odd, settings())]
    assert messages == ["the shipping price -3.00 is negative", "the discount -1.00 is negative"]
