"""The Dramatiq broker: Redis in the distributed mode, an in-process broker in embedded mode.
Set it up before `entrypoints.worker.actors` is imported."""

from __future__ import annotations

import dramatiq
import structlog
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Middleware

from entrypoints.redis_connection import redis_client
from entrypoints.worker.metrics import MessageCounters, MessageMetrics


class LogContext(Middleware):
    """Every message starts with a clean structlog context bound to its message id."""

    def before_process_message(self, broker, message):
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            message_id=message.message_id,
            actor=message.actor_name,
            channel=message.kwargs.get("channel_id") or (message.args[0] if message.args else None),
        )
        if "order_id" in message.kwargs:
            structlog.contextvars.bind_contextvars(order_id=message.kwargs["order_id"])

    def after_process_message(self, broker, message, *, result=None, exception=None):
        structlog.contextvars.clear_contextvars()

    after_skip_message = after_process_message


MAINTENANCE_CHANCE = 20_000  # per million commands: a dead worker is noticed within seconds

_counters: dict[str | None, MessageCounters] = {}


def counters_for(redis_url: str | None) -> MessageCounters:
    """The message counters of this deployment (shared through Redis when there is one)."""
    if redis_url not in _counters:
        client = None
        if redis_url:
            client = redis_client(redis_url)
        _counters[redis_url] = MessageCounters(client)
    return _counters[redis_url]


def setup_broker(redis_url: str | None) -> dramatiq.Broker:
    if redis_url:
        # a killed worker's unfinished messages go back on the queue within about 20 s
        broker: dramatiq.Broker = RedisBroker(client=redis_client(redis_url),
                                              heartbeat_timeout=20_000,
                                              maintenance_chance=MAINTENANCE_CHANCE)
    else:
        broker = StubBroker()
        broker.emit_after("process_boot")
    broker.add_middleware(LogContext())
    broker.add_middleware(MessageMetrics(counters_for(redis_url)))
    dramatiq.set_broker(broker)
    return broker
