"""Commands: what someone (Mozello, a poll, a person, the scheduler) asks Sales Inbox to do."""

from __future__ import annotations

from dataclasses import dataclass

from domain.orders import SalesOrder


class Command:
    pass


@dataclass(frozen=True)
class ReceiveOrder(Command):
    """A snapshot of a Mozello order arrived (webhook event or catch-up poll)."""

    channel_id: str
    order: SalesOrder
    event: str
    source: str = "webhook"
    delivery_id: str | None = None


@dataclass(frozen=True)
class ProcessOrder(Command):
    """Take the order as far as the channel's switches allow; `manual` = a person asked."""

    channel_id: str
    order_id: str
    manual: bool = False


@dataclass(frozen=True)
class CancelOrder(Command):
    """The order was deleted in Mozello."""

    channel_id: str
    order_id: str


@dataclass(frozen=True)
class RetryOrder(Command):
    channel_id: str
    order_id: str


@dataclass(frozen=True)
class PollOrders(Command):
    """Catch up on orders whose webhook never arrived."""

    channel_id: str


@dataclass(frozen=True)
class RecordProduct(Command):
    """A product webhook (PRODUCT_CHANGED, STOCK_CHANGED, PRODUCT_DELETED): keep the local
    catalogue mirror fresh."""

    channel_id: str
    event: str
    handle: str
    sku: str
    stock: int | None
    modified_at: str
    data: dict


# A person's answer after a write whose answer was lost. `question` names the question the review
# asked (application/write_ahead.LastAttempt.question): an answer to an earlier question — another
# attempt's, or one answered since — is refused. None: the question the review asks now.
# `by`: who answered.


@dataclass(frozen=True)
class AnswerPaymentCheck(Command):
    """A person looked in PayTraq for a payment whose answer was lost: booked or not."""

    channel_id: str
    order_id: str
    booked: bool
    question: str | None = None
    by: str = ""


@dataclass(frozen=True)
class AnswerConnectCheck(Command):
    """A person looked in PayTraq for an order whose PayTraq Connect answer was lost."""

    channel_id: str
    order_id: str
    delivered: bool
    question: str | None = None
    by: str = ""


@dataclass(frozen=True)
class AnswerDocumentCheck(Command):
    """A person looked in PayTraq for a document whose answer was lost: the document's id
    (it is there), or None (it is not: create it)."""

    channel_id: str
    order_id: str
    document_id: str | None
    question: str | None = None
    by: str = ""
