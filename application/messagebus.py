"""The message bus: a command goes to its one handler; events to any number of handlers.

Handlers commit their own unit of work before they return follow-up messages, so a follow-up
is only ever sent for state that is already committed. Commands that follow from events are
handled in-line by default; with `send` (the Dramatiq dispatcher) the ones it routes become
broker messages (it returns True for those) and the rest are still handled in-line.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog

from application.commands import Command
from application.events import Event

logger = structlog.get_logger()

Message = Command | Event
Handler = Callable[[Message], list[Message] | None]


class MessageBus:
    def __init__(
        self,
        command_handlers: dict[type[Command], Handler],
        event_handlers: dict[type[Event], list[Handler]],
        send: Callable[[Command], bool] | None = None,
    ):
        self.command_handlers = command_handlers
        self.event_handlers = event_handlers
        self.send = send

    def handle(self, message: Message) -> None:
        queue: list[Message] = [message]
        first = True
        while queue:
            current = queue.pop(0)
            if isinstance(current, Command) and not first and self.send is not None:
                if self.send(current):
                    continue
            first = False
            queue.extend(self._dispatch(current))

    def _dispatch(self, message: Message) -> list[Message]:
        if isinstance(message, Command):
            handler = self.command_handlers.get(type(message))
            if handler is None:
                raise LookupError(f"no handler for command {type(message).__name__}")
            logger.debug("command", command=type(message).__name__)
            return list(handler(message) or [])
        follow_ups: list[Message] = []
        for handler in self.event_handlers.get(type(message), []):
            logger.debug("event_handled", event_type=type(message).__name__)
            follow_ups.extend(handler(message) or [])
        return follow_ups
