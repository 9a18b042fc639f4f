"""One run of the order steps: what every step reads (the item, the channel, the adapters) and
what the steps hand on to each other (the PayTraq sale, the problems found so far)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import structlog

from application.errors import SalesInboxError
from application.ports import (
    AccountingPort,
    ClientCache,
    ClientQueryProof,
    Clock,
    ExpiringLock,
    MailerPort,
    SaleRecord,
    SkuCache,
    WriteDialectStore,
)
from application.write_ahead import close_if_not_sent
from domain.inbox import InboxItem, Step
from domain.orders import SalesOrder
from domain.paytraq_totals import TaxKey
from domain.review import ReviewReason
from domain.settings import Channel, ChannelSettings

logger = structlog.get_logger()

TAX_KEYS_AGE = timedelta(days=1)  # the shared copy of PayTraq's tax keys is read again after it


@dataclass
class OrderRun:
    item: InboxItem
    channel: Channel
    accounting: AccountingPort
    mailer: MailerPort
    clients: ClientCache
    sku_cache: SkuCache
    clock: Clock
    commit: Callable[[], None]  # every write is committed before the next outside call
    sale: SaleRecord | None = None  # the order's PayTraq document, once found or made
    problems: list[ReviewReason] = field(default_factory=list)  # for a person; the run goes on
    buyer_lock: ExpiringLock | None = None  # one worker per buyer while it is found or created
    _tax_keys: dict[str, TaxKey] | None = None
    item_ids: dict[str, str] = field(default_factory=dict)  # SKU → ItemID found in this run
    remembered: WriteDialectStore | None = None  # the channel's tax keys, write test verdict

    @property
    def settings(self) -> ChannelSettings:
        return self.channel.settings

    @property
    def order(self) -> SalesOrder:
        return self.item.order

    def tax_keys(self) -> dict[str, TaxKey]:
        """PayTraq's tax keys: the copy every worker shares (a day at most), else PayTraq."""
        if self._tax_keys is None:
            self._tax_keys = {key.id: key for key in self._shared_tax_keys()}
        return self._tax_keys

    def _shared_tax_keys(self) -> list[TaxKey]:
        if self.remembered is None:
            return self.accounting.tax_keys()
        now = self.clock.now()
        keys = self.remembered.tax_keys(self.channel.id, not_before=now - TAX_KEYS_AGE)
        if keys is None:
            self.accounting.forget_tax_keys()  # a process's own copy may be older
            keys = self.accounting.tax_keys()
            self.remembered.remember_tax_keys(self.channel.id, keys, now)
            self.commit()  # never hold a write across the next API call
        return keys

    def forget_tax_keys(self) -> None:
        """PayTraq refused a document naming a tax key: read the keys afresh next time."""
        self.accounting.forget_tax_keys()
        if self.remembered is not None:
            self.remembered.remember_tax_keys(self.channel.id, None, self.clock.now())
            self.commit()

    def writes_proven(self) -> bool:
        """Whether `channel check --write-test` showed PayTraq keeps documents as sent."""
        return (self.remembered is not None
                and self.remembered.writes_kept_since(self.channel.id) is not None)

    def sales_query_proven(self) -> bool:
        """Whether `channel check` showed `sales?query=` finds a sale by its DocumentRef."""
        return self.remembered is not None and self.remembered.sales_query_shown(self.channel.id)

    def client_query_proof(self) -> ClientQueryProof:
        """What `channel check` showed PayTraq's client search matches (application/clients)."""
        if self.remembered is None:
            return ClientQueryProof()
        return self.remembered.client_query(self.channel.id)

    def hold(self, reasons: list[ReviewReason]) -> bool:
        """Stop here: the item waits for a person, with the reasons. Returns False (stop)."""
        self.item.needs_review(reasons, self.clock.now())
        self.commit()
        logger.info("order_needs_review", reasons=[r.code.value for r in reasons])
        return False

    def declare(self, intent: str, **detail: object) -> None:
        """Write down, before an outside write, that it is about to happen: a retry after a
        crash then knows to look in PayTraq first."""
        self.item.steps.append(
            Step(intent, self.clock.now(), {k: str(v) for k, v in detail.items()})
        )
        self.commit()

    def not_sent(self, intent: str, error: SalesInboxError) -> None:
        """After the `intent` write failed: its record closed if it surely did nothing."""
        close_if_not_sent(self.item.steps, intent, error, self.clock.now())

    def finish(self) -> None:
        """Every step ran: the problems found go to review, or the review is cleared."""
        now = self.clock.now()
        if self.problems:
            self.item.needs_review(self.problems, now)
        else:
            self.item.clear_review(now)
        self.commit()
