"""Commands of the stock sync (kept apart from application/commands.py)."""

from __future__ import annotations

from dataclasses import dataclass

from application.commands import Command


@dataclass(frozen=True)
class SyncStock(Command):
    """Bring Mozello's stock (and, if the channel says so, prices) in line with PayTraq's.
    A dry run stores what would be written and writes nothing to Mozello."""

    channel_id: str
    dry_run: bool = False
