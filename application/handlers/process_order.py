from __future__ import annotations

import functools
from collections.abc import Callable

import structlog

from application.commands import ProcessOrder
from application.connect_processing import connect_processor
from application.errors import (
    PERMANENT_ERRORS,
    DailyBudgetSpent,
    PermanentError,
    UnknownChannel,
    UnknownOrder,
)
from application.events import Event
from application.order_lock import holding_order
from application.order_steps.pipeline import run_order_steps
from application.order_steps.run import OrderRun
from application.ports import (
    AccountingPort,
    ChannelCredentials,
    Clock,
    ExpiringLock,
    Gateways,
    UnitOfWork,
)
from domain.errors import DomainError
from domain.inbox import InboxItem
from domain.settings import Channel, PayTraqTransport

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
        return _process(cmd, uow, gateways, clock, order_lock)


def _process(cmd: ProcessOrder, uow: UnitOfWork, gateways: Gateways, clock: Clock,
             order_lock: ExpiringLock | None) -> list[Event]:
    lock_row = order_lock is None
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
        credentials = uow.channels.credentials(channel.id)  # once: the adapters share it
        try:
            accounting = gateways.accounting(channel.id, credentials)
        except PermanentError as unusable:  # a credential no request can carry: say so
            _run_and_record(functools.partial(_raise, unusable), item, clock, uow.commit)
            return []
        commit = _counting_commit(item, accounting, uow)
        _run_and_record(lambda: _steps(item, channel, credentials, accounting, gateways, uow,
                                       clock, commit, order_lock, cmd.manual)(),
                        item, clock, commit)
        return []


def _raise(error: Exception) -> None:
    raise error


def _counting_commit(item: InboxItem, accounting: AccountingPort,
                     uow: UnitOfWork) -> Callable[[], None]:
    """`uow.commit` that also records the PayTraq calls made so far in this run: each commit
    of a step carries them, so the run's last commit has nothing left to write."""
    before, calls_before = item.paytraq_calls, accounting.calls_in_this_thread()

    def commit() -> None:
        item.paytraq_calls = before + accounting.calls_in_this_thread() - calls_before
        uow.commit()

    return commit


def _steps(item: InboxItem, channel: Channel, credentials: ChannelCredentials,
           accounting: AccountingPort, gateways: Gateways, uow: UnitOfWork, clock: Clock,
           commit: Callable[[], None], buyer_lock: ExpiringLock | None,
           manual: bool) -> Callable[[], None]:
    """The order's steps over the channel's transport: PayTraq Connect (one call), or REST."""
    if channel.settings.paytraq_transport is PayTraqTransport.CONNECT:
        return connect_processor(item, channel, gateways, clock, commit, manual,
                                 uow.write_dialects).run
    run = OrderRun(item, channel, accounting, gateways.mailer(channel.id, credentials, channel),
                   uow.clients, uow.sku_cache, clock, commit, buyer_lock=buyer_lock,
                   remembered=uow.write_dialects)
    return lambda: run_order_steps(run)


def _run_and_record(steps: Callable[[], None], item: InboxItem, clock: Clock,
                    commit: Callable[[], None]) -> None:
    """Run the steps; record how it failed: for a person (the same input fails the same way),
    until the daily budget resets, or for the retries (transient, re-raised). Every path ends in
    one commit with the PayTraq calls it cost (nothing to write when the last step's commit
    came after the last call)."""
    calls_before = item.paytraq_calls
    try:
        steps()
    except PERMANENT_ERRORS as error:
        reason = str(error) if isinstance(error, PermanentError | DomainError) else (
            f"{type(error).__name__}: {error}")
        logger.warning("order_failed", error=reason)
        item.failed(reason, clock.now())
    except DailyBudgetSpent as spent:  # no retries now: the sweeper resumes after the reset
        logger.warning("order_waits_for_budget", resets_at=spent.resets_at.isoformat())
        item.wait_for_budget(str(spent), spent.resets_at, clock.now())
    except Exception as error:
        logger.warning("order_step_interrupted", error=str(error), kind=type(error).__name__)
        item.failed(f"{type(error).__name__}: {error}", clock.now(), transient=True)
        raise
    finally:  # one commit on every path: the failure (if any) and the calls it cost
        commit()
        logger.info("order_processed", status=item.status.value,
                    paytraq_calls=item.paytraq_calls - calls_before)
