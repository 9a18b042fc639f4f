"""Exact conversion between typed values and JSON-able data, driven by the type hints.

Decimals become strings (never floats), datetimes ISO 8601 with their offset (naive ones are
refused), enums their value, tuples lists. A field missing from stored data takes its default,
so data written before a field was added still loads; an unknown key is an error.

Each type hint is turned once into a converter function (cached per hint): the worker encodes
an inbox item on every commit, and walking the hints afresh each time cost more than the
conversion itself."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

_PLAIN = (str, int, bool)
Convert = Callable[[Any], Any]


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
    return None if value is None else _encoder(hint)(value)


def decode(data: Any, hint: Any) -> Any:
    return None if data is None else _decoder(hint)(data)


def _or_none(convert: Convert) -> Convert:
    return lambda value: None if value is None else convert(value)


def _lazy(hint: Any, make: Callable[[Any], Convert]) -> Convert:
    """A converter of `hint` (None stays None), made at its first use: a dataclass may name
    its own type, and a hint with no JSON form fails only when a value of it is met."""
    made: list[Convert] = []

    def convert(value: Any) -> Any:
        if not made:
            made.append(_or_none(make(hint)))
        return made[0](value)

    return convert


# --- encoding ---------------------------------------------------------------------------
@cache
def _encoder(hint: Any) -> Convert:
    inner = _optional(hint)
    if inner is not None:
        return _encoder(inner)
    if typing.get_origin(hint) in (tuple, list, dict):
        return _collection_encoder(hint)
    if dataclasses.is_dataclass(hint):
        fields = [(f.name, _lazy(_hints(hint)[f.name], _encoder))
                  for f in dataclasses.fields(hint)]
        return lambda value: {name: convert(getattr(value, name)) for name, convert in fields}
    return _scalar_encoder(hint)


def _collection_encoder(hint: Any) -> Convert:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is dict:
        key, item = _lazy(args[0], _encoder), _lazy(args[1], _encoder)
        return lambda value: {key(k): item(v) for k, v in value.items()}
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        each = [_lazy(a, _encoder) for a in args]
        return lambda value: [c(v) for v, c in zip(value, each, strict=True)]
    item = _lazy(args[0], _encoder)
    return lambda value: [item(v) for v in value]


def _scalar_encoder(hint: Any) -> Convert:
    if isinstance(hint, type) and issubclass(hint, Enum):
        return lambda value: hint(value).value
    if hint is Decimal:
        return _encode_decimal
    if hint is datetime:
        return _encode_datetime
    if hint in (date, time):
        return lambda value: value.isoformat()
    if hint is str:
        return _encode_str
    if hint in _PLAIN:
        return lambda value: _exactly(value, hint)
    raise TypeError(f"no JSON form for {hint}")


def _encode_decimal(value: Any) -> str:
    if not isinstance(value, Decimal):
        raise TypeError(f"{value!r} is not a Decimal")
    return str(value)


def _encode_datetime(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} cannot be stored; give it a timezone")
    return value.isoformat()


def _encode_str(value: Any) -> str:
    if isinstance(value, str):
        return value if type(value) is str else str(value)  # a StrEnum: its value
    return _exactly(value, str)


def _exactly(value: Any, hint: type) -> Any:
    if type(value) is not hint:
        raise TypeError(f"{value!r} is not a {hint.__name__}")
    return value


# --- decoding ---------------------------------------------------------------------------
@cache
def _decoder(hint: Any) -> Convert:
    inner = _optional(hint)
    if inner is not None:
        return _decoder(inner)
    if typing.get_origin(hint) in (tuple, list, dict):
        return _collection_decoder(hint)
    if dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    return _scalar_decoder(hint)


def _dataclass_decoder(cls: type) -> Convert:
    hints = _hints(cls)
    fields = {name: _lazy(field_hint, _decoder) for name, field_hint in hints.items()}

    def convert(data: Any) -> Any:
        unknown = set(data) - set(hints)
        if unknown:
            raise ValueError(f"unknown fields for {cls.__name__}: {sorted(unknown)}")
        return cls(**{name: fields[name](v) for name, v in data.items()})

    return convert


def _collection_decoder(hint: Any) -> Convert:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is dict:
        key, item = _lazy(args[0], _decoder), _lazy(args[1], _decoder)
        return lambda data: {key(k): item(v) for k, v in data.items()}
    if origin is list:
        item = _lazy(args[0], _decoder)
        return lambda data: [item(v) for v in data]
    if len(args) == 2 and args[1] is Ellipsis:
        item = _lazy(args[0], _decoder)
        return lambda data: tuple(item(v) for v in data)
    each = [_lazy(a, _decoder) for a in args]
    return lambda data: tuple(c(v) for v, c in zip(data, each, strict=True))


def _scalar_decoder(hint: Any) -> Convert:
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if hint is Decimal:
        return _decode_decimal
    if hint in (datetime, date, time):
        return hint.fromisoformat
    if hint in _PLAIN:
        return lambda data: _stored_exactly(data, hint)
    raise TypeError(f"no JSON form for {hint}")


def _decode_decimal(data: Any) -> Decimal:
    if not isinstance(data, str):
        raise TypeError(f"stored amount {data!r} is not a string")
    return Decimal(data)


def _stored_exactly(data: Any, hint: type) -> Any:
    if type(data) is not hint:
        raise TypeError(f"stored {data!r} is not a {hint.__name__}")
    return data
