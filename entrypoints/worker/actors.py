"""Dramatiq actors: thin — decode ids, build a command, hand it to a fresh bus. Each actor's
name is explicit: it is the broker's routing key, whatever the handlers are called."""

from __future__ import annotations

import time

import dramatiq
import structlog
from dramatiq.middleware import Shutdown, TimeLimitExceeded

from adapters.mozello.webhooks import receive_command
from application import commands
from application.errors import PERMANENT_ERRORS, UnreadableDelivery
from application.stock_commands import SyncStock
from entrypoints.runtime import get_runtime
from entrypoints.worker.broker import LogContext

logger = structlog.get_logger()

if not any(isinstance(m, LogContext) for m in dramatiq.get_broker().middleware):
    raise ImportError(
        "entrypoints.worker.actors imported before the broker was set up: call "
        "entrypoints.worker.broker.setup_broker() first, or the actors bind to Dramatiq's default broker"
    )

# Transient errors (timeouts, 5xx, 429, busy locks) are retried with backoff; permanent ones,
# broken domain rules and other deterministic errors (a bad amount, a wrong type, a missing
# key) are not: the same message would fail the same way again.
BATCH_SECONDS = 60  # a batch received longer than this hands the rest on as a batch of its own
RETRIES = dict(max_retries=12, min_backoff=1_000, max_backoff=600_000, throws=PERMANENT_ERRORS)


@dramatiq.actor(actor_name="receive_delivery", queue_name="orders", time_limit=60_000, **RETRIES)
def receive_delivery(channel_id: str, delivery_id: str) -> None:
    """A stored webhook delivery (wait_for: should its storing transaction still be open, its
    commit). The body is parsed in full only here; one that cannot be read keeps its reason,
    unretried."""
    runtime = get_runtime()
    with runtime.uow_factory() as uow:
        delivery = uow.deliveries.wait_for(delivery_id)
    if delivery is None:  # its transaction rolled back: Mozello had no answer and sends it again
        logger.warning("delivery_never_stored", delivery_id=delivery_id)
        return
    try:
        command = receive_command(delivery, runtime.gateways.shop(channel_id))
    except UnreadableDelivery as unreadable:
        with runtime.uow_factory() as uow:
            uow.deliveries.refuse(delivery_id, str(unreadable))
            uow.commit()
        logger.error("delivery_unreadable", delivery_id=delivery_id, error=str(unreadable))
        return
    if command is not None:
        runtime.bus().handle(command)


@dramatiq.actor(actor_name="receive_deliveries", queue_name="orders", time_limit=300_000,
                **RETRIES)
def receive_deliveries(deliveries: list[list[str]]) -> None:
    """The web relay's batch [[channel id, delivery id], ...] (entrypoints/web/relay.py), each
    received as `receive_delivery` would. One that fails transiently goes on as a message of its
    own, with its own retries and time limit, so the others are not received again; one that
    fails for good is logged and left, as its own message would be. A batch that runs past
    BATCH_SECONDS, or that the time limit or a shutdown interrupts, hands the rest on (the
    interrupted delivery alone) and ends — nothing of it is marked done that was not. Only
    when that hand-over cannot be sent is the whole batch retried (receiving twice is
    harmless)."""
    started = time.monotonic()
    for n, (channel_id, delivery_id) in enumerate(deliveries):
        if n and time.monotonic() - started > BATCH_SECONDS:  # at least one, every batch
            receive_deliveries.send(deliveries[n:])
            return
        try:
            receive_delivery(channel_id, delivery_id)
        except PERMANENT_ERRORS as error:
            logger.error("delivery_receive_failed", delivery_id=delivery_id, error=str(error),
                         kind=type(error).__name__)
        except Exception as error:
            logger.warning("delivery_receive_retried_alone", delivery_id=delivery_id,
                           error=str(error), kind=type(error).__name__)
            receive_delivery.send(channel_id, delivery_id)
        except (TimeLimitExceeded, Shutdown):
            receive_delivery.send(channel_id, delivery_id)
            if deliveries[n + 1:]:
                receive_deliveries.send(deliveries[n + 1:])
            logger.warning("delivery_batch_handed_on", left=len(deliveries) - n)
            return


@dramatiq.actor(actor_name="process_order", queue_name="orders", time_limit=300_000, **RETRIES)
def process_order(channel_id: str, order_id: str, manual: bool = False) -> None:
    get_runtime().bus().handle(commands.ProcessOrder(channel_id, order_id, manual))


@dramatiq.actor(actor_name="cancel_order", queue_name="orders", time_limit=120_000, **RETRIES)
def cancel_order(channel_id: str, order_id: str) -> None:
    get_runtime().bus().handle(commands.CancelOrder(channel_id, order_id))


@dramatiq.actor(actor_name="poll_orders", queue_name="polls", time_limit=600_000, max_retries=3, throws=PERMANENT_ERRORS)
def poll_orders(channel_id: str) -> None:
    get_runtime().bus().handle(commands.PollOrders(channel_id))


@dramatiq.actor(actor_name="sync_stock", queue_name="stock", time_limit=3_600_000, max_retries=3, throws=PERMANENT_ERRORS)
def sync_stock(channel_id: str, dry_run: bool = False) -> None:
    get_runtime().bus().handle(SyncStock(channel_id, dry_run))


def dispatch(command: commands.Command) -> bool:
    """Route follow-up commands to the broker; True when sent."""
    if isinstance(command, commands.ProcessOrder):
        process_order.send(command.channel_id, command.order_id, command.manual)
        return True
    if isinstance(command, commands.CancelOrder):
        cancel_order.send(command.channel_id, command.order_id)
        return True
    if isinstance(command, SyncStock):
        sync_stock.send(command.channel_id, command.dry_run)
        return True
    if isinstance(command, commands.PollOrders):
        poll_orders.send(command.channel_id)
        return True
    return False
