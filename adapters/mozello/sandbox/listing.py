"""List requests of the sandbox: page_size + `page_start=id:<n>` cursor, desc=1, repeated
`filter=` (ANDed) with the six operators on created_at/modified_at, and archived= on orders."""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from adapters.mozello.sandbox.store import Record, SandboxRefusal

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
OPERATORS: list[tuple[str, Callable]] = [
    (">=", operator.ge), ("<=", operator.le), ("<>", operator.ne),
    (">", operator.gt), ("<", operator.lt), ("=", operator.eq),
]
FILTER_FIELDS = ("created_at", "modified_at")


def page_of(records: list[Record], args: MultiDict, path: str, key: str,
            link_name: str = "next_page_uri", fields: tuple[str, ...] = FILTER_FIELDS) -> dict:
    """One page of `records` and, when more follow, the `next_page_uri` (relative to /v1).
    Orders can be filtered on `created_at` only: they carry no `modified_at` (R5)."""
    conditions = [_condition(text, fields) for text in args.getlist("filter")]
    chosen = [r for r in records if all(test(r) for test in conditions)]
    archived = args.get("archived")
    if archived is not None:
        wanted = archived.lower() in ("1", "true")
        chosen = [r for r in chosen if bool(r.data.get("archived")) is wanted]
    descending = args.get("desc", "").lower() in ("1", "true")
    chosen.sort(key=lambda r: r.id, reverse=descending)
    start = _cursor(args.get("page_start"))
    if start is not None:
        chosen = [r for r in chosen if (r.id <= start if descending else r.id >= start)]
    size = _page_size(args.get("page_size"))
    page, rest = chosen[:size], chosen[size:]
    answer: dict = {"error": False, key: [r.data for r in page]}
    if rest:
        query = [(k, v) for k, v in args.items(multi=True) if k != "page_start"]
        query.append(("page_start", f"id:{rest[0].id}"))
        answer[link_name] = f"{path}?{urlencode(query, safe=':')}"
    return answer


def _page_size(text: str | None) -> int:
    if text is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(text)
    except ValueError:
        raise SandboxRefusal(400, f"page_size {text} is not a number") from None
    if size < 1:
        raise SandboxRefusal(400, "page_size must be at least 1")
    return min(size, MAX_PAGE_SIZE)


def _cursor(text: str | None) -> int | None:
    if not text:
        return None
    kind, _, number = text.partition(":")
    if kind != "id" or not number.isdigit():
        raise SandboxRefusal(400, f"page_start {text} is not id:<number>")
    return int(number)


def _condition(text: str, fields: tuple[str, ...]) -> Callable[[Record], bool]:
    for symbol, compare in OPERATORS:
        field, found, value = text.partition(symbol)
        if not found:
            continue
        field = field.strip()
        if field not in fields:
            raise SandboxRefusal(400, f"Cannot filter on {field}")
        moment = _moment(value.strip())
        return lambda record: compare(getattr(record, field), moment)
    raise SandboxRefusal(400, f"filter {text} has no operator")


def _moment(text: str) -> datetime:
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise SandboxRefusal(400, f"{text} is not YYYY-MM-DD HH:MM:SS")
