"""Order sanity: an order no real shop would send is held for a person before PayTraq hears of it.

A negative price, a negative or zero quantity, a total beyond any plausible sale, or a currency
the channel does not book in would otherwise become a PayTraq client, document, payment and
e-mail that an accountant has to undo by hand. Each broken rule is one review reason with a
message that names the line and the value."""

from __future__ import annotations

from decimal import Decimal

from domain.orders import SalesOrder
from domain.review import ReasonCode, ReviewReason
from domain.settings import ChannelSettings

ZERO = Decimal(0)
# Above this a Mozello order is a typo or an attack, not a sale: a person looks first.
MAX_ORDER_TOTAL = Decimal("1000000")


def _reason(message: str, **details: object) -> ReviewReason:
    return ReviewReason.of(ReasonCode.ORDER_NOT_SANE, message, **details)


def _line_problems(order: SalesOrder) -> list[ReviewReason]:
    problems = []
    for number, line in enumerate(order.lines, start=1):
        label = f"line {number} ({line.sku or line.name or 'no SKU'})"
        if line.quantity <= ZERO:
            problems.append(_reason(f"{label} has quantity {line.quantity}; quantities must be "
                                    "positive", line=number, quantity=line.quantity))
        if line.unit_price < ZERO:
            problems.append(_reason(f"{label} has a negative price {line.unit_price}",
                                    line=number, price=line.unit_price))
    return problems


def _amount_problems(order: SalesOrder) -> list[ReviewReason]:
    problems = []
    if order.shipping is not None and order.shipping.price < ZERO:
        problems.append(_reason(f"the shipping price {order.shipping.price} is negative",
                                shipping_price=order.shipping.price))
    if order.discount is not None and order.discount.amount < ZERO:
        problems.append(_reason(f"the discount {order.discount.amount} is negative",
                                discount=order.discount.amount))
    if order.total < ZERO:
        problems.append(_reason(f"the order total {order.total} is negative", total=order.total))
    elif order.total > MAX_ORDER_TOTAL:
        problems.append(_reason(f"the order total {order.total} is above {MAX_ORDER_TOTAL}, "
                                "more than any plausible sale", total=order.total))
    return problems


def order_sanity_problems(order: SalesOrder, settings: ChannelSettings) -> list[ReviewReason]:
    """Why this order must not reach PayTraq unseen; empty when it is a plausible sale."""
    problems = _line_problems(order) + _amount_problems(order)
    if order.currency.upper() != settings.currency.upper():
        problems.append(_reason(
            f"the order is in {order.currency or 'no currency'}, but the channel books in "
            f"{settings.currency}", currency=order.currency, channel_currency=settings.currency))
    return problems


def payment_due(order: SalesOrder) -> bool:
    """A payment is booked only for money actually received: never for a total of zero or less."""
    return order.is_paid and order.total > ZERO
