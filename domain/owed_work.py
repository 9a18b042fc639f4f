"""Which inbox items automatic processing may still owe a step, in terms a database can answer
with an index and three columns — so the sweeper reads only those, however large the inbox.

It is a superset of what `InboxItem.awaits_work` accepts (that rule still decides each item):
a transient failure (whatever the switches); with automatic processing on, a received order its
trigger has released (paid, or a payment method processed on receipt), and an item in a progress
status only while it lacks a step the channel's switches ask for — not finalised (approve/post on), no payment booked (add payment on), not e-mailed (send
e-mail on). Review, cancelled and permanently failed items wait for a person, never the sweeper
— but for an order sent to PayTraq Connect whose document is still looked for (on a channel with
REST credentials to look with: domain/connect_revisits.py), whatever the switches."""

from __future__ import annotations

from dataclasses import dataclass

from domain.connect_revisits import next_revisit_at
from domain.inbox import InboxItem, InboxStatus
from domain.settings import ChannelSettings, PayTraqTransport, Trigger

S = InboxStatus
PROGRESS = frozenset({S.DOCUMENT_CREATED, S.APPROVED, S.PAID, S.EMAILED})


@dataclass(frozen=True)
class OwedWork:
    waiting: frozenset[InboxStatus]  # any item in these may be owed a step (besides transient
    # failures, which always may)
    progress: frozenset[InboxStatus]  # items in these only while one of the below is missing
    unfinalised: bool = False
    unpaid: bool = False
    unemailed: bool = False
    # a received order is released when paid, or when its payment method's trigger is `received`:
    # every method but `trigger_exceptions` if `received_by_default`, else only those
    received_by_default: bool = False
    trigger_exceptions: frozenset[str] = frozenset()
    revisits: bool = False  # Connect items' documents are looked for (REST credentials given)

    @classmethod
    def of(cls, settings: ChannelSettings, reads_back: bool = False) -> OwedWork:
        """`reads_back`: the channel sends over PayTraq Connect and has REST credentials."""
        revisits = reads_back and settings.paytraq_transport is PayTraqTransport.CONNECT
        if not settings.auto_process:  # only a transient failure is retried (and a revisit)
            return cls(frozenset(), frozenset(), revisits=revisits)
        # over Connect, PayTraq's Sales Inbox approves, pays and e-mails: nothing half-way is owed
        progress = frozenset() if settings.paytraq_transport is PayTraqTransport.CONNECT else PROGRESS
        exceptions = frozenset(method for method, trigger in settings.trigger_overrides
                               if trigger != settings.trigger)
        return cls(frozenset({S.RECEIVED}), progress, unfinalised=settings.approve,
                   unpaid=settings.add_payment, unemailed=settings.send_email,
                   received_by_default=settings.trigger == Trigger.RECEIVED,
                   trigger_exceptions=exceptions, revisits=revisits)

    def released(self, payment_method: str, paid: bool) -> bool:
        """Whether a received order's trigger lets processing start (ready_to_process, less the
        auto-processing start date, which only narrows it)."""
        return paid or (payment_method in self.trigger_exceptions) != self.received_by_default

    @property
    def any_progress(self) -> bool:
        return bool(self.progress) and (self.unfinalised or self.unpaid or self.unemailed)

    def admits(self, item: InboxItem) -> bool:
        """The rule itself; the SQL storage says the same in SQL."""
        if self.revisits and next_revisit_at(item) is not None:
            return True
        if item.status is S.FAILED:
            return item.error_transient
        if item.status in self.waiting:
            return item.status is not S.RECEIVED or self.released(item.order.payment_method,
                                                                    item.order.is_paid)
        return item.status in self.progress and (
            (self.unfinalised and item.finalised_at is None)
            or (self.unpaid and item.payment is None)
            or (self.unemailed and item.emailed_at is None)
        )
