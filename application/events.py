"""Events: facts that happened, in the past tense."""

from __future__ import annotations

from dataclasses import dataclass


class Event:
    pass


@dataclass(frozen=True)
class OrderChanged(Event):
    channel_id: str
    order_id: str


@dataclass(frozen=True)
class OrderDeleted(Event):
    channel_id: str
    order_id: str

