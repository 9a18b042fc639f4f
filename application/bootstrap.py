"""Wire handlers to their ports: the one place that knows which handler needs what."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

from application import commands, events
from application.handlers.accept_rounding import accept_rounding
from application.handlers.answer_checks import (
    answer_connect_check,
    answer_document_check,
    answer_payment_check,
)
from application.handlers.cancel_order import cancel_order
from application.handlers.order_changed import cancel_deleted, process_when_ready
from application.handlers.person_actions import ignore_order, mark_handled
from application.handlers.poll_orders import poll_orders
from application.handlers.process_order import process_order
from application.handlers.receive_order import receive_order
from application.handlers.record_product import record_product
from application.handlers.retry_order import retry_order
from application.handlers.sync_stock import sync_stock_on_bus
from application.messagebus import MessageBus
from application.person_commands import AcceptRounding, IgnoreOrder, MarkHandled
from application.ports import Clock, ExpiringLock, Gateways, UnitOfWork
from application.stock_commands import SyncStock

COMMAND_HANDLERS = {
    commands.ReceiveOrder: receive_order,
    commands.ProcessOrder: process_order,
    commands.CancelOrder: cancel_order,
    commands.RetryOrder: retry_order,
    commands.PollOrders: poll_orders,
    SyncStock: sync_stock_on_bus,
    commands.RecordProduct: record_product,
    commands.AnswerPaymentCheck: answer_payment_check,
    commands.AnswerConnectCheck: answer_connect_check,
    commands.AnswerDocumentCheck: answer_document_check,
    AcceptRounding: accept_rounding,
    MarkHandled: mark_handled,
    IgnoreOrder: ignore_order,
}
EVENT_HANDLERS = {
    events.OrderChanged: [process_when_ready],
    events.OrderDeleted: [cancel_deleted],
}


@functools.cache
def _wanted(handler: Callable) -> frozenset[str]:
    """The names of a handler's parameters (read once per process, not per message)."""
    return frozenset(inspect.signature(handler).parameters)


def inject(handler: Callable, dependencies: dict[str, object]) -> Callable:
    wanted = _wanted(handler)
    given = {name: dep for name, dep in dependencies.items() if name in wanted}
    return lambda message: handler(message, **given)


def bootstrap(
    uow: UnitOfWork,
    gateways: Gateways,
    clock: Clock,
    send: Callable[[commands.Command], bool] | None = None,
    stock_lock: ExpiringLock | None = None,
    order_lock: ExpiringLock | None = None,
) -> MessageBus:
    """A bus for one message or request: one unit of work, never shared between threads."""
    dependencies = {"uow": uow, "gateways": gateways, "clock": clock, "stock_lock": stock_lock,
                    "order_lock": order_lock}
    return MessageBus(
        {kind: inject(handler, dependencies) for kind, handler in COMMAND_HANDLERS.items()},
        {kind: [inject(h, dependencies) for h in hs] for kind, hs in EVENT_HANDLERS.items()},
        send=send,
    )
