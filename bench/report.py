"""One row per figure; the table `make bench` prints and the JSON it writes."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Row:
    section: str
    name: str
    value: float | int | str | None
    unit: str = ""
    note: str = ""


def skipped(section: str, name: str, why: str) -> Row:
    return Row(section, name, None, "", f"not measured: {why}")


def _shown(value: float | int | str | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def table(rows: list[Row]) -> str:
    """The rows grouped by section, one aligned table."""
    width = max(len(r.name) for r in rows) if rows else 10
    lines, section = [], None
    for row in rows:
        if row.section != section:
            section = row.section
            lines.append(f"\n== {section} ==")
        value = f"{_shown(row.value):>12} {row.unit:<9}"
        lines.append(f"{row.name:<{width}}  {value}  {row.note}".rstrip())
    return "\n".join(lines).lstrip("\n")


def write_json(rows: list[Row], size: str, seconds: float, directory: Path = RESULTS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"bench-{size}-{stamp}.json"
    path.write_text(json.dumps({
        "size": size,
        "at": stamp,
        "seconds": round(seconds, 1),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {_cpus()} CPUs",
        "rows": [asdict(row) for row in rows],
    }, indent=2, ensure_ascii=False) + "\n")
    return path


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
