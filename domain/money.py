"""Amounts of money: always `Decimal`, never float, rounded half-up to cents as PayTraq does."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.errors import FloatAmountRefused

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_decimal(value: Decimal | int | str) -> Decimal:
    """An exact Decimal from an int, a string or a Decimal; floats are refused."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, float):
        raise FloatAmountRefused(f"amount {value!r} is a float; pass a string or Decimal")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"amount {value} is not finite")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"{value!r} is not a number") from exc
        if not result.is_finite():
            raise ValueError(f"amount {value!r} is not finite")
        return result
    raise TypeError(f"cannot make an amount of {type(value).__name__}")


def round2(value: Decimal | int | str) -> Decimal:
    """Round half-up to cents (0.005 -> 0.01), the rule PayTraq uses everywhere."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
