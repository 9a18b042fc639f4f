"""Amounts of money: always `Decimal`, never float, rounded half-up to cents as PayTraq does."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency, kept to the cent."""

    amount: Decimal
    currency: str = "EUR"

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", round2(self.amount))
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValueError(f"{self.currency!r} is not an ISO 4217 currency code")
        object.__setattr__(self, "currency", self.currency.upper())

    @classmethod
    def of(cls, value: Decimal | int | str, currency: str = "EUR") -> Money:
        return cls(to_decimal(value), currency)

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
