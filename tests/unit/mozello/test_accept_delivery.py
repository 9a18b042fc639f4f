"""Accepting a webhook: a signed delivery is kept and handed to the workers once; an unsigned
or unreadable one is refused and leaves only its trace."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.memory.clock import SteppingClock
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from adapters.mozello.signature import sign
from adapters.mozello.webhooks import MozelloWebhookReader
from application.handlers.accept_delivery import AcceptDelivery, Outcome, accept_delivery
from application.outbox import SendNow
from application.ports import ChannelCredentials
from domain.settings import Channel

KEY = "MZL-test-key-123456"
BODY = b'{"event":"ORDER_DELETED","order":{"order_id":"M-1"}}'


class Shop:
    def __init__(self) -> None:
        self.store = MemoryStore()
        self.enqueued: list[tuple[str, str]] = []
        with InMemoryUnitOfWork(self.store) as uow:
            uow.channels.add(Channel("shop", "Shop"), ChannelCredentials(mozello_api_key=KEY))
            uow.commit()

    def post(self, body: bytes, signature: str | None, channel_id: str = "shop"):
        headers = {"X-Mozello-Hash": signature} if signature else {}
        clock = SteppingClock(datetime(2026, 1, 1, tzinfo=UTC))
        return accept_delivery(AcceptDelivery(channel_id, body, headers),
                               InMemoryUnitOfWork(self.store), MozelloWebhookReader(), clock,
                               SendNow(lambda c, d: self.enqueued.append((c, d)), clock))

    def deliveries(self):
        with InMemoryUnitOfWork(self.store) as uow:
            return uow.deliveries.list("shop")


def test_a_signed_delivery_is_kept_and_handed_to_the_workers():
    shop = Shop()
    # When a signed order notification arrives
    accepted = shop.post(BODY, sign(BODY, KEY))
    # Then it is kept as received and enqueued once
    assert accepted.outcome is Outcome.ACCEPTED
    (stored,) = shop.deliveries()
    assert (stored.body, stored.event, stored.order_id) == (BODY, "ORDER_DELETED", "M-1")
    assert shop.enqueued == [("shop", stored.id)]


def test_the_same_delivery_again_is_kept_but_not_handed_on_twice():
    shop = Shop()
    shop.post(BODY, sign(BODY, KEY))
    # When Mozello sends the same notification again
    again = shop.post(BODY, sign(BODY, KEY))
    # Then it is recognised as a duplicate and the workers see it once
    assert again.outcome is Outcome.DUPLICATE
    assert len(shop.deliveries()) == 2 and len(shop.enqueued) == 1


def test_an_unsigned_delivery_leaves_a_trace_but_not_its_content():
    shop = Shop()
    # When a body arrives with a wrong signature
    refused = shop.post(BODY, sign(BODY, "another key"))
    # Then it is refused, its trace kept without the body, and nothing enqueued
    assert refused.outcome is Outcome.UNSIGNED
    (stored,) = shop.deliveries()
    assert stored.body == b"" and "X-Mozello-Hash signature" in stored.error
    assert shop.enqueued == []


def test_a_signed_body_that_is_no_notification_is_refused_with_its_reason():
    body = b'{"hello": "world"}'
    shop = Shop()
    refused = shop.post(body, sign(body, KEY))
    assert refused.outcome is Outcome.UNREADABLE
    assert "unknown Mozello event" in refused.error
    assert shop.enqueued == []


def test_a_delivery_to_an_unknown_channel_is_not_kept():
    shop = Shop()
    refused = shop.post(BODY, sign(BODY, KEY), channel_id="nope")
    assert refused.outcome is Outcome.UNKNOWN_CHANNEL
    assert shop.deliveries() == [] and shop.enqueued == []
