"""The one process start-up: logging → broker → actors → runtime (built with its dispatcher).

`serve`, `web` (gunicorn's wsgi_app), `worker` (the Dramatiq boot module), `scheduler`, `demo`
and the end-to-end tests all start here; only what differs (the storage, the adapters' pace)
is passed in."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import dramatiq

from application.commands import Command
from entrypoints.config import Config
from entrypoints.logs import configure_logging
from entrypoints.runtime import Runtime, Storage, build_runtime, set_runtime
from entrypoints.worker.broker import setup_broker

if TYPE_CHECKING:
    from entrypoints.web.relay import DeliveryRelay

Dispatch = Callable[[Command], bool]


@dataclass
class Process:
    """What a started process holds: its runtime, the broker and the actors bound to it."""

    runtime: Runtime
    broker: dramatiq.Broker
    actors: ModuleType

    def enqueue_delivery(self, channel_id: str, delivery_id: str) -> None:
        """Hand a stored webhook delivery to the workers."""
        self.actors.receive_delivery.send(channel_id, delivery_id)

    def enqueue_deliveries(self, owed: Sequence[tuple[str, str]]) -> None:
        """Hand stored webhook deliveries [(channel id, delivery id)] over as one message."""
        self.actors.receive_deliveries.send([list(pair) for pair in owed])

    def relay(self) -> DeliveryRelay:
        """The web process's outbox: webhooks' bodies sent after their answers, in batches."""
        from entrypoints.web.relay import DeliveryRelay

        return DeliveryRelay(self.runtime.uow_factory, self.enqueue_deliveries,
                             self.runtime.clock)

    def stop(self) -> None:
        set_runtime(None)


def start_process(
    config: Config,
    storage: Storage | None = None,
    make_runtime: Callable[[Dispatch], Runtime] | None = None,
    log_level: str | None = None,
    configure_log: bool = True,
) -> Process:
    """Start a process: by default the runtime of `config` (its database, Redis, per-channel
    adapters); `make_runtime(dispatch)` builds another one (the demo's memory, a test's pace)."""
    if configure_log:
        configure_logging(level=log_level)
    broker, actors = connect_broker(config.redis_url)
    if make_runtime is None:
        runtime = build_runtime(config, storage, dispatch=actors.dispatch)
    else:
        runtime = make_runtime(actors.dispatch)
    set_runtime(runtime)
    return Process(runtime, broker, actors)


def connect_broker(redis_url: str | None) -> tuple[dramatiq.Broker, ModuleType]:
    """The broker, then the actors bound to it. Dramatiq binds actors to the broker set when
    their module is first imported: a process that imported them already keeps that broker."""
    if "entrypoints.worker.actors" in sys.modules:
        from entrypoints.worker import actors

        broker = actors.process_order.broker
        dramatiq.set_broker(broker)
        return broker, actors
    broker = setup_broker(redis_url)
    from entrypoints.worker import actors

    return broker, actors
