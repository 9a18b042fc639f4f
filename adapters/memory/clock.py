"""A clock for tests and the demo."""

from __future__ import annotations

from datetime import datetime, timedelta

from application.ports import Clock


class SteppingClock(Clock):
    """A clock for tests and the demo: starts at `start`, moves `step` on every reading."""

    def __init__(self, start: datetime, step: timedelta = timedelta(seconds=1)):
        self.current, self.step = start, step

    def now(self) -> datetime:
        self.current += self.step
        return self.current
