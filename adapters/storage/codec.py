"""Exact conversion between typed values and JSON-able data, driven by the type hints.

Decimals become strings (never floats), datetimes ISO 8601 with their offset (naive ones are
refused), enums their value, tuples lists. A field missing from stored data takes its default,
so data written before a field was added still loads; an unknown key is an error."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

_PLAIN = (str, int, bool)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _optional(hint: Any) -> Any | None:
    """The X of `X | None`, or None when the hint is not optional."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {hint}")
        return args[0]
    return None


def encode(value: Any, hint: Any) -> Any:
    if value is None:
        return None
    inner = _optional(hint)
    if inner is not None:
        return encode(value, inner)
    if typing.get_origin(hint) in (tuple, list, dict):
        return _encode_collection(value, hint)
    if dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return {f.name: encode(getattr(value, f.name), hints[f.name]) for f in dataclasses.fields(hint)}
    return _encode_scalar(value, hint)


def _encode_collection(value: Any, hint: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is dict:
        return {encode(k, args[0]): encode(v, args[1]) for k, v in value.items()}
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        return [encode(v, a) for v, a in zip(value, args, strict=True)]
    return [encode(v, args[0]) for v in value]


def _encode_scalar(value: Any, hint: Any) -> Any:
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value).value
    if hint is Decimal:
        if not isinstance(value, Decimal):
            raise TypeError(f"{value!r} is not a Decimal")
        return str(value)
    if hint is datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored; give it a timezone")
        return value.isoformat()
    if hint in (date, time):
        return value.isoformat()
    if hint is str and isinstance(value, str):
        return str(value)  # a StrEnum in a str field is stored as its value
    if hint in _PLAIN:
        if type(value) is not hint:
            raise TypeError(f"{value!r} is not a {hint.__name__}")
        return value
    raise TypeError(f"no JSON form for {hint}")


def decode(data: Any, hint: Any) -> Any:
    if data is None:
        return None
    inner = _optional(hint)
    if inner is not None:
        return decode(data, inner)
    if typing.get_origin(hint) in (tuple, list, dict):
        return _decode_collection(data, hint)
    if dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        unknown = set(data) - set(hints)
        if unknown:
            raise ValueError(f"unknown fields for {hint.__name__}: {sorted(unknown)}")
        return hint(**{name: decode(v, hints[name]) for name, v in data.items()})
    return _decode_scalar(data, hint)


def _decode_collection(data: Any, hint: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is dict:
        return {decode(k, args[0]): decode(v, args[1]) for k, v in data.items()}
    if origin is list:
        return [decode(v, args[0]) for v in data]
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(decode(v, args[0]) for v in data)
    return tuple(decode(v, a) for v, a in zip(data, args, strict=True))


def _decode_scalar(data: Any, hint: Any) -> Any:
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(data)
    if hint is Decimal:
        if not isinstance(data, str):
            raise TypeError(f"stored amount {data!r} is not a string")
        return Decimal(data)
    if hint in (datetime, date, time):
        return hint.fromisoformat(data)
    if hint in _PLAIN:
        if type(data) is not hint:
            raise TypeError(f"stored {data!r} is not a {hint.__name__}")
        return data
    raise TypeError(f"no JSON form for {hint}")
