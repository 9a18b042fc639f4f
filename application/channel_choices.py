"""What a channel's settings form offers to choose from.

PayTraq's API lists tax keys (`GET taxKeys`, DECISIONS P9). For warehouses its list endpoint is
known only by name with an unknown answer, and for price groups and money accounts no list is
known at all (paytraq-api.md §5.1, §6, §8.1): those stay id fields a person copies from PayTraq.
Payment methods are the Mozello codes known to exist plus every one seen in the channel's orders.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.errors import SalesInboxError, UnknownChannel
from application.ports import Gateways, UnitOfWork
from domain.paytraq_totals import TaxKey

KNOWN_PAYMENT_METHODS = ("gateway", "paypal", "banktransfer", "cod")  # mozello-api §4.4, M7
NOT_LISTED = {
    "warehouses": "PayTraq's API gives no known list of warehouses: enter the warehouse id",
    "price_groups": "PayTraq's API gives no list of price groups: enter the price group id",
    "money_accounts": "PayTraq's API gives no list of money accounts: enter the account id",
}


@dataclass(frozen=True)
class PaymentMethodChoice:
    method: str
    known: bool  # one of the Mozello codes known to exist
    seen: bool  # in at least one of the channel's orders
    money_account_id: str | None
    merchant_account: bool


@dataclass(frozen=True)
class ChannelChoices:
    tax_keys: list[TaxKey] | None  # None: PayTraq could not be asked (see tax_keys_error)
    tax_keys_error: str | None
    payment_methods: list[PaymentMethodChoice]


def channel_choices(channel_id: str, uow: UnitOfWork, gateways: Gateways) -> ChannelChoices:
    with uow:
        channel = uow.channels.get(channel_id)
        if channel is None:
            raise UnknownChannel(channel_id)
        seen = uow.inbox.payment_methods(channel_id)
    mapped = {m.method: m for m in channel.settings.payment_mappings}
    methods = [
        PaymentMethodChoice(method, method in KNOWN_PAYMENT_METHODS, method in seen,
                            mapped[method].money_account_id if method in mapped else None,
                            mapped[method].merchant_account if method in mapped else False)
        for method in sorted(set(KNOWN_PAYMENT_METHODS) | seen | set(mapped))
    ]
    try:
        tax_keys, error = gateways.accounting(channel_id).tax_keys(), None
    except SalesInboxError as failure:
        tax_keys, error = None, f"PayTraq did not list its tax keys: {failure}"
    return ChannelChoices(tax_keys, error, methods)
