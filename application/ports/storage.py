"""Storage: the inbox, the channels, the raw webhook deliveries, and the one unit of work that
holds every repository of a message or request (adapters/storage in SQL, adapters/memory)."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from application.inbox_listing import Cursor, InboxPage, InboxQuery
from application.ports.audit import AuditLog
from application.ports.caches import CatalogueMirror, ClientCache, SalesCache, SkuCache
from application.ports.stock_runs import StockRunRepository
from application.ports.users import ActionLog, LoginFailures, UserRepository
from application.ports.write_dialects import WriteDialectStore
from domain.inbox import InboxItem, InboxStatus
from domain.owed_work import OwedWork
from domain.settings import Channel


@dataclass(frozen=True, slots=True)
class ChannelCredentials:
    mozello_api_key: str = ""
    paytraq_api_key: str = ""
    paytraq_api_token: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_security: str = "starttls"
    paytraq_connect_url: str = ""  # the channel's PayTraq Connect URL: whoever has it can post

    @property
    def has_paytraq_rest(self) -> bool:
        return bool(self.paytraq_api_key and self.paytraq_api_token)

    def __repr__(self) -> str:  # secrets never reach logs through repr
        return "ChannelCredentials(***)"


@dataclass(slots=True)
class RawDelivery:
    """A webhook body exactly as received, kept before anything is answered."""

    channel_id: str
    body: bytes
    headers: dict[str, str]
    received_at: datetime
    fingerprint: str
    event: str = ""
    order_id: str | None = None
    id: str | None = None
    duplicate: bool = False
    error: str | None = None
    queued_at: datetime | None = None  # on the workers' queue (application/outbox.py)


class InboxRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str, order_id: str, for_update: bool = False) -> InboxItem | None: ...

    def as_committed_here(self, channel_id: str, order_id: str) -> InboxItem | None:
        """The item as this unit of work last committed it (a shallow copy: its order and status
        as they were), else as read now; not to be changed. It may be older than the database's: only for a decision that whoever acts on
        it checks again on a fresh read (anyone who changed it since sends their own event)."""
        return self.get(channel_id, order_id)

    @abc.abstractmethod
    def add(self, item: InboxItem) -> None: ...

    def add_if_new(self, item: InboxItem) -> bool:
        """Add `item` unless its channel has an item for its order already (then False, and
        nothing is written). Storage may write it at once, as a transaction of its own when
        none is open (one statement for the usual case, a new order; of two racing for it,
        exactly one is told True); the caller commits as after `add`, and storage that writes
        at the commit refuses the second of two racers there (DuplicateInboxItem)."""
        if self.get(item.channel_id, item.order_id, for_update=True) is not None:
            return False
        self.add(item)
        return True

    @abc.abstractmethod
    def list(
        self, channel_id: str | None = None, status: InboxStatus | None = None
    ) -> list[InboxItem]: ...

    @abc.abstractmethod
    def page(self, query: InboxQuery, limit: int = 50, after: Cursor | None = None) -> InboxPage:
        """Newest first; at most `limit` items strictly older than `after`."""

    @abc.abstractmethod
    def count_by_status(self, query: InboxQuery) -> dict[InboxStatus, int]:
        """How many items match `query` (its status ignored), per status."""

    @abc.abstractmethod
    def count_by_channel_and_status(self) -> dict[tuple[str, InboxStatus], int]:
        """Every item counted once, by channel and status (for /metrics)."""

    @abc.abstractmethod
    def awaiting_work(self, channel_id: str, owed: OwedWork, touched_before: datetime,
                      progress_since: datetime | None = None) -> list[InboxItem]:
        """The channel's items `owed` admits, last changed (updated_at, else received_at) before
        `touched_before` — those in a progress status only if changed since `progress_since`
        (None: any time) — oldest change first: what the sweeper considers."""

    def payment_methods(self, channel_id: str) -> set[str]:
        """Every Mozello payment method seen in the channel's orders (storage may do better)."""
        return {i.order.payment_method for i in self.list(channel_id) if i.order.payment_method}


class ChannelRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str) -> Channel | None: ...

    @abc.abstractmethod
    def add(self, channel: Channel, credentials: ChannelCredentials) -> None: ...

    @abc.abstractmethod
    def update(self, channel: Channel) -> None: ...

    @abc.abstractmethod
    def list(self) -> list[Channel]: ...

    @abc.abstractmethod
    def credentials(self, channel_id: str) -> ChannelCredentials: ...

    @abc.abstractmethod
    def set_credentials(self, channel_id: str, credentials: ChannelCredentials) -> None: ...

    @abc.abstractmethod
    def webhook_key(self, channel_id: str, fresh: bool = False) -> str | None:
        """The key the channel's webhooks are signed with (its Mozello API key); None for an
        unknown channel. It may come from a short-lived per-process cache that a change
        committed in this process clears; `fresh` reads it from the store."""


POLL_EVENT = "POLL"  # the event of a delivery the catch-up poll stored


def is_webhook(delivery: RawDelivery) -> bool:
    return delivery.event != POLL_EVENT and delivery.error is None


class DeliveryRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, delivery: RawDelivery) -> RawDelivery:
        """Store it; marks `duplicate` when the same fingerprint was stored before (two racing
        deliveries of one body: exactly one is the first). A duplicate is stored unqueued
        whatever its `queued_at` said: only a first delivery is ever queued."""

    @abc.abstractmethod
    def keep(self, delivery: RawDelivery) -> RawDelivery:
        """`add`, committed when it returns, with no transaction around it (a webhook's body:
        nothing else need be atomic with it, and the web answers as soon as it is stored).
        Inside a transaction already open it is part of that one, committed with it."""

    @abc.abstractmethod
    def prune(self, received_before: datetime, limit: int) -> int:
        """Forget at most `limit` deliveries received before then; how many were forgotten."""

    @abc.abstractmethod
    def list(self, channel_id: str) -> list[RawDelivery]: ...

    @abc.abstractmethod
    def get(self, delivery_id: str) -> RawDelivery | None: ...

    @abc.abstractmethod
    def wait_for(self, delivery_id: str) -> RawDelivery | None:
        """The delivery a worker was sent, once no transaction is still storing it. The web
        commits a body before it is sent (application/outbox.py), but a message from any other
        sender may still arrive first: the worker waits rather than trust the order. None when
        it was never stored (that transaction rolled back); StorageBusy when the wait takes
        longer than the lock timeout."""

    # --- the webhook outbox (application/outbox.py) ----------------------------------------
    @abc.abstractmethod
    def first_of(self, channel_id: str, fingerprint: str) -> RawDelivery | None:
        """The first stored delivery with this fingerprint: the one that gets processed."""

    @abc.abstractmethod
    def mark_queued(self, delivery_ids: Sequence[str], at: datetime) -> None:
        """Record that these deliveries are on the workers' queue (one statement)."""

    @abc.abstractmethod
    def refuse(self, delivery_id: str, error: str) -> None:
        """The worker could not read the queued body: keep why. It is no longer a first
        delivery, so the same body again is read (and refused) again rather than ignored."""

    @abc.abstractmethod
    def unqueued(self, received_before: datetime, limit: int) -> list[RawDelivery]:
        """Processable deliveries (signed, readable, first of their kind) not yet queued."""

    @abc.abstractmethod
    def for_order(self, channel_id: str, order_id: str, limit: int = 50) -> list[RawDelivery]:
        """The order's deliveries, oldest first (the newest `limit`)."""

    @abc.abstractmethod
    def recent(self, channel_id: str, limit: int = 20) -> list[RawDelivery]:
        """The channel's newest deliveries, newest first."""

    def last_webhook_at(self, channel_id: str) -> datetime | None:
        """When Mozello last delivered a webhook that was accepted — not the catch-up poll's
        snapshots, not refused bodies (storage may answer without reading the bodies)."""
        return max((d.received_at for d in self.list(channel_id) if is_webhook(d)), default=None)


class WatermarkRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str, name: str) -> datetime | None: ...

    @abc.abstractmethod
    def set(self, channel_id: str, name: str, value: datetime) -> None: ...


class UnitOfWork(abc.ABC):
    """Every repository of one message or request, committed or rolled back together. One per
    message or request, never shared between threads; leaving it without commit() rolls back."""

    inbox: InboxRepository
    channels: ChannelRepository
    deliveries: DeliveryRepository
    clients: ClientCache
    watermarks: WatermarkRepository
    sku_cache: SkuCache
    audit: AuditLog
    stock_runs: StockRunRepository
    sales_cache: SalesCache
    catalogue: CatalogueMirror
    write_dialects: WriteDialectStore
    users: UserRepository
    login_failures: LoginFailures
    actions: ActionLog

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, *args: object) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...
