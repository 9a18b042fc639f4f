"""Lenient marshmallow fields for Mozello's JSON: text, amounts, stock counts, flags and times
as Mozello really sends them (ints, Decimals or strings; null; missing)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields

MOZELLO_TIME = "%Y-%m-%d %H:%M:%S"
# Every amount and quantity a shop sends fits these: 12 digits before the point, 10 after.
# Anything larger is refused at the edge, so no later arithmetic can overflow Decimal's precision.
LARGEST_AMOUNT = Decimal("1e12")
FINEST_AMOUNT = Decimal("1e-10")


class Text(fields.Field):
    """A string; null or missing is "", a number is written out as text."""

    def __init__(self, **kwargs: Any):
        super().__init__(load_default="", allow_none=True, **kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any):
        if value is None:
            return ""
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise ValidationError("Not a text value.")
        return str(value)


class Amount(fields.Field):
    """A number as int, Decimal or numeric string; never a float. Null stays None."""

    def __init__(self, **kwargs: Any):
        if not kwargs.get("required"):
            kwargs.setdefault("load_default", None)
        super().__init__(allow_none=True, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or isinstance(value, float):
            raise ValidationError("Not an exact number.")
        if isinstance(value, int | Decimal):
            result = Decimal(value)
        elif isinstance(value, str):
            try:
                result = Decimal(value.strip())
            except InvalidOperation as exc:
                raise ValidationError(f"{value!r} is not a number.") from exc
        else:
            raise ValidationError("Not a number.")
        if not result.is_finite():
            raise ValidationError("Not a finite number.")
        return _bounded(result)


def _bounded(number: Decimal) -> Decimal:
    if abs(number) >= LARGEST_AMOUNT:
        raise ValidationError(f"{number} is out of range (at most 12 digits before the point).")
    if number.quantize(FINEST_AMOUNT) != number:
        raise ValidationError(f"{number} has more than 10 decimal places.")
    return number


class StockCount(Amount):
    """Whole units; null means the shop does not track stock (unlimited)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        number = super()._deserialize(value, attr, data, **kwargs)
        if number != number.to_integral_value():
            raise ValidationError("Stock must be a whole number.")
        return int(number)


class Flag(fields.Field):
    """A JSON boolean; also 0/1 and "true"/"false" strings. Null or missing is False."""

    def __init__(self, **kwargs: Any):
        super().__init__(load_default=False, allow_none=True, **kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any):
        if value is None:
            return False
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | Decimal) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", ""):
            return value.strip().lower() in ("true", "1")
        raise ValidationError("Not a boolean.")


class MozelloTime(fields.Field):
    """`YYYY-MM-DD HH:MM:SS` without a zone, read as UTC (spec §1.6, U14)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str):
            raise ValidationError("Not a date-time text.")
        text = value.strip().replace("T", " ")
        try:
            parsed = datetime.strptime(text[:19], MOZELLO_TIME)
        except ValueError as exc:
            raise ValidationError(f"{value!r} is not YYYY-MM-DD HH:MM:SS.") from exc
        return parsed.replace(tzinfo=UTC)


def rate_and_mode(inclusive: Decimal | None, exclusive: Decimal | None) -> tuple[Decimal, bool]:
    """The VAT rate of a line or of shipping, and whether its price already includes it."""
    if inclusive:
        return inclusive, True
    if exclusive:
        return exclusive, False
    return Decimal(0), True
