from __future__ import annotations

import structlog

from application.commands import ProcessOrder
from application.errors import PERMANENT_ERRORS, UnknownChannel, UnknownOrder
from application.events import Event
from application.order_lock import holding_order
from application.order_steps.pipeline import run_order_steps
from application.order_steps.run import OrderRun
from application.ports import Clock, ExpiringLock, Gateways, UnitOfWork

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
        if not item.wants_processing(channel.settings, requested_by_person=cmd.manual):
            return []
        structlog.contextvars.bind_contextvars(channel=cmd.channel_id, order_id=cmd.order_id)
        if cmd.manual:
            item.retry(clock.now())
        run = OrderRun(item, channel, gateways.accounting(channel.id), gateways.mailer(channel.id),
                       uow.clients, uow.sku_cache, clock, uow.commit)
        _run_and_record(run, uow)
        return []


def _run_and_record(run: OrderRun, uow: UnitOfWork) -> None:
    """Run the steps; a failure is recorded on the item with its kind, and every path ends in
    one commit with the PayTraq calls it cost."""
    item, clock, calls_before = run.item, run.clock, run.accounting.calls_in_this_thread()
    try:
        run_order_steps(run)
    except PERMANENT_ERRORS as error:
        logger.warning("order_failed", error=str(error))
        item.failed(str(error), clock.now())
    except Exception as error:
        logger.warning("order_step_interrupted", error=str(error), kind=type(error).__name__)
        item.failed(f"{type(error).__name__}: {error}", clock.now(), transient=True)
        raise
    finally:
        calls = run.accounting.calls_in_this_thread() - calls_before
        item.paytraq_calls += calls
        uow.commit()
        logger.info("order_processed", status=item.status.value, paytraq_calls=calls)
