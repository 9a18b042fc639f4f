"""Accept a rounding mismatch: the unpaid Draft is voided in PayTraq and the order processed
again, so its new document carries the channel's no-VAT rounding adjustment. Both the void and
the new document are steps of the order."""

from __future__ import annotations

from application.commands import Command, ProcessOrder
from application.errors import PermanentError, UnknownChannel, UnknownOrder
from application.order_lock import holding_order
from application.person_commands import AcceptRounding
from application.ports import Clock, ExpiringLock, Gateways, UnitOfWork
from domain.person_decisions import RoundingNotAcceptable, check_rounding_acceptable


class RoundingRefused(PermanentError):
    """RoundingNotAcceptable, as the application reports it."""


def accept_rounding(cmd: AcceptRounding, uow: UnitOfWork, gateways: Gateways, clock: Clock,
                    order_lock: ExpiringLock | None = None) -> list[Command]:
    with holding_order(order_lock, cmd.channel_id, cmd.order_id, clock), uow:
        channel = uow.channels.get(cmd.channel_id)
        if channel is None:
            raise UnknownChannel(cmd.channel_id)
        item = uow.inbox.get(cmd.channel_id, cmd.order_id, for_update=order_lock is None)
        if item is None:
            raise UnknownOrder(cmd.channel_id, cmd.order_id)
        try:
            check_rounding_acceptable(item, channel.settings)
        except RoundingNotAcceptable as refused:
            raise RoundingRefused(str(refused)) from None
        accounting = gateways.accounting(channel.id)
        sale = accounting.get_sale(item.document.id)
        if sale.status == "draft" and not sale.payments:
            accounting.void_sale(sale.id)
        elif sale.status != "voided":
            raise RoundingRefused(f"PayTraq document {sale.id} is no longer an unpaid Draft "
                                  f"(status {sale.status}); nothing was changed")
        item.document_replaced(cmd.by, clock.now())
        uow.commit()
    return [ProcessOrder(cmd.channel_id, cmd.order_id, manual=True)]
