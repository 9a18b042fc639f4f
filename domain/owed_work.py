"""Which inbox items automatic processing may still owe a step, in terms a database can answer
with an index and three columns — so the sweeper reads only those, however large the inbox.

It is a superset of what `InboxItem.awaits_work` accepts (that rule still decides each item):
a transient failure (whatever the switches); with automatic processing on, an order without a
document, and an item in a progress status only while it lacks a step the channel's switches ask
for — not finalised (approve/post on), no payment booked (add payment on), not e-mailed (send
e-mail on). Review, cancelled and permanently failed items wait for a person, never the sweeper."""

from __future__ import annotations

from dataclasses import dataclass

from domain.inbox import InboxItem, InboxStatus
from domain.settings import ChannelSettings

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

    @classmethod
    def of(cls, settings: ChannelSettings) -> OwedWork:
        if not settings.auto_process:  # only a transient failure is retried
            return cls(frozenset(), frozenset())
        return cls(frozenset({S.RECEIVED}), PROGRESS, unfinalised=settings.approve,
                   unpaid=settings.add_payment, unemailed=settings.send_email)

    @property
    def any_progress(self) -> bool:
        return bool(self.progress) and (self.unfinalised or self.unpaid or self.unemailed)

    def admits(self, item: InboxItem) -> bool:
        """The rule itself; the SQL storage says the same in SQL."""
        if item.status is S.FAILED:
            return item.error_transient
        if item.status in self.waiting:
            return True
        return item.status in self.progress and (
            (self.unfinalised and item.finalised_at is None)
            or (self.unpaid and item.payment is None)
            or (self.unemailed and item.emailed_at is None)
        )
