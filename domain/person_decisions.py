"""Rules for what a person may decide about an order in the console."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.inbox import InboxItem, InboxStatus
from domain.review import ReasonCode
from domain.settings import ChannelSettings


class RoundingNotAcceptable(Exception):
    """Accepting a rounding mismatch is refused; the message says why in plain words."""


def rounding_difference(item: InboxItem) -> Decimal | None:
    """The shop total minus PayTraq's, when the item waits on a rounding mismatch."""
    for reason in item.reasons:
        if reason.code is ReasonCode.TOTALS_MISMATCH and reason.detail("cause") == "rounding":
            try:
                return Decimal(reason.detail("difference") or "")
            except InvalidOperation:
                return None
    return None


def check_rounding_acceptable(item: InboxItem, settings: ChannelSettings) -> Decimal:
    """The difference to close, or RoundingNotAcceptable: only an unpaid Draft whose totals
    differ by VAT rounding within the channel's rounding limit can be voided and made again."""
    difference = rounding_difference(item)
    if item.status is not InboxStatus.NEEDS_REVIEW or difference is None:
        raise RoundingNotAcceptable("the order does not wait on a rounding difference")
    if item.document is None or item.document.status != "draft" or item.payment is not None:
        raise RoundingNotAcceptable("only an unpaid Draft document can be made again")
    if settings.rounding_tax_key is None or settings.rounding_limit <= 0:
        raise RoundingNotAcceptable(
            "the channel has no rounding limit and rounding tax key: set them in the channel "
            "settings first")
    if abs(difference) > settings.rounding_limit:
        raise RoundingNotAcceptable(
            f"the difference {difference} is more than the channel's rounding limit "
            f"{settings.rounding_limit}")
    return difference
