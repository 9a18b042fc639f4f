"""Parsing the CLI's compact option values, with one-line errors."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal, InvalidOperation

import click

from application.channel_settings import canonical_rate

MAPPING = re.compile(r"^\s*([^=\s]+)\s*=\s*([^=\s]+)\s*$")


def pair(value: str, what: str) -> tuple[str, str]:
    match = MAPPING.match(value)
    if not match:
        raise click.BadParameter(f"{value!r} is not {what} (expected LEFT=RIGHT, e.g. {EXAMPLES[what]})")
    return match.group(1), match.group(2)


EXAMPLES = {
    "a payment mapping": "gateway=5011",
    "a tax mapping": "21=100021",
    "a trigger override": "banktransfer=received",
}


def rate(value: str) -> Decimal:
    try:
        result = Decimal(value.rstrip("%"))
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a VAT rate (e.g. 21 or 12.5)") from None
    if not result.is_finite() or not 0 <= result <= 100:
        raise click.BadParameter(f"VAT rate {value!r} must be between 0 and 100")
    return canonical_rate(result)


def amount(value: str) -> Decimal:
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not an amount (e.g. 0.02)") from None
    if not result.is_finite() or result < 0 or result != result.quantize(Decimal("0.01")):
        raise click.BadParameter(f"amount {value!r} must be zero or positive, in cents")
    return result.quantize(Decimal("0.01"))


def clock_time(value: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise click.BadParameter(f"{value!r} is not a time of day HH:MM (e.g. 06:00)")
    return time(int(match.group(1)), int(match.group(2)))
