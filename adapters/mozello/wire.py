"""JSON as Mozello reads and writes it.

Reading: numbers with a fraction become `Decimal` straight from the JSON text, never via float.
Writing: `Decimal` is written as a JSON number exactly as given (the caller rounds it first).
`php_style=True` imitates PHP's `json_encode`, which Mozello's webhook bodies show: `/` escaped
as `\\/`, non-ASCII as `\\uXXXX`, no spaces, whole amounts as integers (`24.2`, `11`).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def decode(body: bytes | str) -> Any:
    """Parse JSON text; fractions become Decimal, whole numbers int (both exact). Text that
    cannot be read — including JSON nested deeper than Python can follow — is a ValueError."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    try:
        return json.loads(body, parse_float=Decimal)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def encode(value: Any, php_style: bool = False) -> bytes:
    return _encode(value, php_style).encode("ascii" if php_style else "utf-8")


def _encode(value: Any, php_style: bool) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=php_style)
        return text.replace("/", "\\/") if php_style else text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return _number(value, php_style)
    if isinstance(value, float):
        raise TypeError(f"float {value!r} reached the Mozello wire; use Decimal")
    if isinstance(value, dict):
        items = (f"{_encode(str(k), php_style)}:{_encode(v, php_style)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v, php_style) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as Mozello JSON")


def _number(value: Decimal, php_style: bool) -> str:
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    if php_style:
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    return format(value, "f")
