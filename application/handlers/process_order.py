from __future__ import annotations

import structlog

from application.commands import ProcessOrder
from application.errors import PermanentError, UnknownChannel, UnknownOrder
from application.events import Event, OrderProcessed
from application.order_lock import holding_order
from application.ports import Clock, ExpiringLock, Gateways, UnitOfWork
from application.processing import OrderProcessor

logger = structlog.get_logger()


def process_order(
    cmd: ProcessOrder,
    uow: UnitOfWork,
    gateways: Gateways,
    clock: Clock,
    order_lock: ExpiringLock | None = None,
) -> list[Event]:
    """Run the order pipeline. Transient errors propagate (the worker retries with backoff);
    permanent ones leave the item `failed` with its reason, retryable by a person.
    One worker per order at a time (`order_lock`); no database lock is held across API calls."""
    with holding_order(order_lock, cmd.channel_id, cmd.order_id, clock):
        return _process(cmd, uow, gateways, clock, lock_row=order_lock is None)


def _process(cmd: ProcessOrder, uow: UnitOfWork, gateways: Gateways, clock: Clock,
             lock_row: bool) -> list[Event]:
    with uow:
        channel = uow.channels.get(cmd.channel_id)
        if channel is None:
            raise UnknownChannel(cmd.channel_id)
        item = uow.inbox.get(cmd.channel_id, cmd.order_id, for_update=lock_row)
        if item is None:
            raise UnknownOrder(cmd.channel_id, cmd.order_id)
        if item.is_cancelled or (item.is_closed_by_person and not cmd.manual):
            return []
        retrying = item.status.value == "failed" and item.error_transient
        if not cmd.manual and not retrying and not channel.settings.ready_to_process(item.order):
            return []
        structlog.contextvars.bind_contextvars(channel=cmd.channel_id, order_id=cmd.order_id)
        if cmd.manual:
            item.retry(clock.now())
        accounting = gateways.accounting(channel.id)
        calls_before = accounting.calls_in_this_thread()
        processor = OrderProcessor(
            item,
            channel,
            accounting,
            gateways.mailer(channel.id),
            uow.clients,
            clock,
            uow.commit,
            getattr(uow, "sku_cache", None),
        )
        try:
            processor.run()
        except PermanentError as error:
            logger.warning("order_failed", error=str(error))
            item.failed(str(error), clock.now())
        except Exception as error:
            logger.warning("order_step_interrupted", error=str(error), kind=type(error).__name__)
            item.failed(f"{type(error).__name__}: {error}", clock.now(), transient=True)
            raise
        finally:  # one commit on every path: the failure (if any) and the calls it cost
            calls = accounting.calls_in_this_thread() - calls_before
            item.paytraq_calls += calls
            uow.commit()
            logger.info("order_processed", status=item.status.value, paytraq_calls=calls)
        return [OrderProcessed(cmd.channel_id, cmd.order_id, item.status.value)]
