"""Every action a person takes in the console is recorded: who, when, what."""

from __future__ import annotations

from flask import g

from domain.users import PersonAction
from entrypoints.web.context import runtime


def record(action: str, channel_id: str | None = None, order_id: str | None = None,
           detail: str = "") -> None:
    with runtime().uow_factory() as uow:
        uow.actions.record(PersonAction(runtime().clock.now(), g.get("user") or "?", action,
                                        channel_id, order_id, detail))
        uow.commit()
