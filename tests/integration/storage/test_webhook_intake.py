"""The webhook intake on the real databases (issue 14): the channel's key from a per-process
cache that never refuses a good webhook, one INSERT for a first delivery, duplicates kept and
never queued twice, a refused enqueue kept for the sweep, the web process's relay sending a
burst as one message, and the worker waiting for the commit of the delivery it was sent. Two
engines on one database stand for two processes."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from adapters.memory.clock import SteppingClock
from adapters.mozello.signature import sign
from adapters.mozello.webhooks import MozelloWebhookReader
from adapters.storage.crypto import SecretBox
from adapters.storage.engine import make_engine
from adapters.storage.uow import SqlAlchemyUnitOfWork
from adapters.storage.webhook_keys import TTL, WebhookKeyCache
from application.handlers.accept_delivery import AcceptDelivery, Outcome, accept_delivery
from application.outbox import SendNow, queue_unqueued
from application.ports import ChannelCredentials, RawDelivery
from domain.settings import Channel
from entrypoints.web.relay import DeliveryRelay
from tests.integration.storage.conftest import _backend, postgres_engine  # noqa: F401

OLD_KEY, NEW_KEY = "MZL-old-key-0123456789", "MZL-new-key-9876543210"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def order(order_id: str = "M-1") -> bytes:
    return (b'{"event":"PAYMENT_CHANGED","order":{"order_id":"' + order_id.encode()
            + b'","payment_status":"paid"}}')


class Process:
    """One web process: its own engine (so its own key cache) on the shared database."""

    def __init__(self, url: sa.URL, box: SecretBox, keys: WebhookKeyCache | None = None):
        self.engine = make_engine(url)
        self.box, self.keys, self.queued = box, keys, []

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.engine, self.box, webhook_keys=self.keys)

    def post(self, body: bytes, key: str, channel_id: str = "shop", enqueue=None, uow=None,
             outbox=None):
        clock = SteppingClock(T0, timedelta(milliseconds=1))
        outbox = outbox or SendNow(enqueue or (lambda c, d: self.queued.append(d)), clock)
        return accept_delivery(AcceptDelivery(channel_id, body, {"X-Mozello-Hash": sign(body, key)}),
                               uow or self.uow(), MozelloWebhookReader(), clock, outbox)

    def set_key(self, key: str, channel_id: str = "shop") -> None:
        with self.uow() as uow:
            uow.channels.set_credentials(channel_id, ChannelCredentials(mozello_api_key=key))
            uow.commit()

    def add_channel(self, key: str, channel_id: str = "shop") -> None:
        with self.uow() as uow:
            uow.channels.add(Channel(channel_id, "Shop"), ChannelCredentials(mozello_api_key=key))
            uow.commit()

    def deliveries(self, channel_id: str = "shop"):
        with self.uow() as uow:
            return uow.deliveries.list(channel_id)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    for backend in _backend(request.param, request, tmp_path):  # its clean-up runs after
        yield backend.engine.url


@pytest.fixture
def processes(database):
    box = SecretBox(SecretBox.generate_key())
    made = []

    def make(keys: WebhookKeyCache | None = None) -> Process:
        made.append(Process(database, box, keys))
        return made[-1]

    yield make
    for process in made:
        process.engine.dispose()


def test_a_key_rotated_by_another_process_never_refuses_a_good_webhook(processes):
    web, console = processes(), processes()
    console.add_channel(OLD_KEY)
    assert web.post(order("M-1"), OLD_KEY).outcome is Outcome.ACCEPTED  # its key is cached now
    # When the shop's key is changed in another process
    console.set_key(NEW_KEY)
    # Then a webhook signed with the new key is accepted at once (the cached key is read again)
    assert web.post(order("M-2"), NEW_KEY).outcome is Outcome.ACCEPTED
    # And a wrong signature is still refused, its trace kept
    assert web.post(order("M-3"), "MZL-nobody-s-key-000000").outcome is Outcome.UNSIGNED


def test_a_key_changed_elsewhere_stops_signing_once_the_cache_time_is_over(processes):
    clock = Clock()
    web, console = processes(WebhookKeyCache(clock=clock)), processes()
    console.add_channel(OLD_KEY)
    assert web.post(order("M-1"), OLD_KEY).outcome is Outcome.ACCEPTED
    console.set_key(NEW_KEY)
    # When the cache time has passed
    clock.now += TTL
    # Then the old key is refused: the key is read again
    assert web.post(order("M-2"), OLD_KEY).outcome is Outcome.UNSIGNED


def test_a_key_changed_in_this_process_is_forgotten_on_commit(processes):
    web = processes()
    web.add_channel(OLD_KEY)
    assert web.post(order("M-1"), OLD_KEY).outcome is Outcome.ACCEPTED
    web.set_key(NEW_KEY)
    assert web.post(order("M-2"), OLD_KEY).outcome is Outcome.UNSIGNED
    assert web.post(order("M-3"), NEW_KEY).outcome is Outcome.ACCEPTED


def test_an_unknown_channel_is_refused_and_not_remembered(processes):
    web, console = processes(), processes()
    assert web.post(order(), OLD_KEY, channel_id="new-shop").outcome is Outcome.UNKNOWN_CHANNEL
    # When another process adds the channel
    console.add_channel(OLD_KEY, channel_id="new-shop")
    # Then its first webhook is accepted at once
    assert web.post(order(), OLD_KEY, channel_id="new-shop").outcome is Outcome.ACCEPTED


def test_a_first_delivery_is_one_insert_and_its_repeat_a_kept_unqueued_duplicate(processes):
    web = processes()
    web.add_channel(OLD_KEY)
    web.post(order("M-0"), OLD_KEY)  # the key is cached
    statements = []
    sa.event.listen(web.engine, "before_cursor_execute",
                    lambda conn, cursor, sql, *args: statements.append(sql.split()[0].upper()))
    # When a new order's webhook arrives
    first = web.post(order("M-1"), OLD_KEY)
    # Then one INSERT keeps it, and nothing else is read; once it is sent, an UPDATE marks it
    assert [s for s in statements if s in ("SELECT", "INSERT", "UPDATE", "DELETE")] == [
        "INSERT", "UPDATE"]
    # And when Mozello sends the same body again
    again = web.post(order("M-1"), OLD_KEY)
    assert (first.outcome, again.outcome) == (Outcome.ACCEPTED, Outcome.DUPLICATE)
    kept = [d for d in web.deliveries() if d.order_id == "M-1"]
    assert sorted((d.duplicate, d.queued_at is not None) for d in kept) == [(False, True),
                                                                       (True, False)]
    assert web.queued.count(first.delivery.id) == 1 and again.delivery.id not in web.queued


def test_a_refused_enqueue_keeps_the_body_for_the_sweep(processes):
    web = processes()
    web.add_channel(OLD_KEY)

    def redis_down(channel_id, delivery_id):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    refused = web.post(order(), OLD_KEY, enqueue=redis_down)
    # Then it is kept, committed unqueued
    assert refused.outcome is Outcome.NOT_QUEUED
    (stored,) = web.deliveries()
    assert stored.body == order() and stored.queued_at is None
    # When the scheduler's sweep runs later, it is queued once
    later = SteppingClock(T0 + timedelta(minutes=1))
    assert queue_unqueued(web.uow, lambda c, d: web.queued.append(d), later) == 1
    assert web.queued == [stored.id] and web.deliveries()[0].queued_at is not None
    assert queue_unqueued(web.uow, lambda c, d: web.queued.append(d), later) == 0


def test_the_worker_waits_for_the_commit_of_the_delivery_it_was_sent(processes):
    web, worker = processes(), processes()
    web.add_channel(OLD_KEY)
    seen, looked = {}, threading.Event()
    sa.event.listen(worker.engine, "before_cursor_execute",  # it found nothing, and waits
                    lambda conn, cursor, sql, *args: sql.startswith(("INSERT", "BEGIN IMMEDIATE"))
                    and looked.set())

    def receive(delivery_id):
        with worker.uow() as uow:
            seen["delivery"] = uow.deliveries.wait_for(delivery_id)

    # Given the web has stored a delivery and sent its message, but not committed yet
    with web.uow() as uow:
        stored = uow.deliveries.add(RawDelivery("shop", order(), {}, T0, "fp-1", "PAYMENT_CHANGED",
                                                "M-1", queued_at=T0))
        thread = threading.Thread(target=receive, args=(stored.id,))
        thread.start()  # the worker takes the message at once
        assert looked.wait(timeout=30), "the worker never waited for the delivery"
        uow.commit()
    thread.join(timeout=30)
    # Then the worker has the delivery
    assert seen["delivery"] is not None and seen["delivery"].body == order()


def test_a_delivery_whose_transaction_rolls_back_is_none_to_the_worker(processes):
    web, worker = processes(), processes()
    seen = {}

    def receive(delivery_id):
        with worker.uow() as uow:
            seen["delivery"] = uow.deliveries.wait_for(delivery_id)

    with web.uow() as uow:
        stored = uow.deliveries.add(RawDelivery("shop", order(), {}, T0, "fp-1", "PAYMENT_CHANGED"))
        thread = threading.Thread(target=receive, args=(stored.id,))
        thread.start()
        uow.rollback()
    thread.join(timeout=30)
    assert not thread.is_alive() and seen["delivery"] is None
    assert web.deliveries() == []


def test_a_body_the_database_fails_to_store_is_answered_500_and_never_sent(processes):
    web = processes()
    web.add_channel(OLD_KEY)
    web.post(order("M-0"), OLD_KEY)  # the key is cached: the body's INSERT is all there is
    sent = []

    def gone(conn, cursor, sql, *args):  # the database goes away as the body is stored
        if sql.startswith("INSERT INTO raw_deliveries"):
            raise sa.exc.OperationalError(sql, {}, ConnectionError("server closed the connection"))

    sa.event.listen(web.engine, "before_cursor_execute", gone)
    with pytest.raises(sa.exc.OperationalError):  # the web answers 500: Mozello sends it again
        web.post(order(), OLD_KEY, enqueue=lambda c, d: sent.append(d))
    sa.event.remove(web.engine, "before_cursor_execute", gone)
    # Then nothing was stored, and nothing was sent: the body is committed before sending
    assert [d.order_id for d in web.deliveries()] == ["M-0"] and sent == []


class Broker:
    """The workers' queue as the relay sees it: one message per call."""

    def __init__(self):
        self.messages, self.down = [], False

    def enqueue_many(self, owed):
        if self.down:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.messages.append([delivery_id for _, delivery_id in owed])


def test_the_relay_takes_a_burst_off_the_requests_and_sends_it_as_one_message(processes):
    web, broker = processes(), Broker()
    web.add_channel(OLD_KEY)
    relay = DeliveryRelay(web.uow, broker.enqueue_many, SteppingClock(T0))
    relay._start = lambda: None  # the test turns the relay's crank itself
    statements = []
    sa.event.listen(web.engine, "before_cursor_execute",
                    lambda conn, cursor, sql, *args: statements.append(sql.split()[0].upper()))
    # When ten webhooks arrive before the relay's thread has its turn
    answers = [web.post(order(f"M-{n}"), OLD_KEY, outbox=relay) for n in range(10)]
    # Then each request only inserted its body, and each is answered as accepted
    assert {a.outcome for a in answers} == {Outcome.ACCEPTED}
    assert [s for s in statements if s in ("INSERT", "UPDATE")] == ["INSERT"] * 10
    # When the relay has its turn: one message holds all ten, and one UPDATE marks them
    statements.clear()
    assert relay.flush() == 10
    assert broker.messages == [[a.delivery.id for a in answers]]
    assert [s for s in statements if s in ("INSERT", "UPDATE")] == ["UPDATE"]
    assert all(d.queued_at is not None for d in web.deliveries())


def test_a_body_repeated_before_the_relays_turn_is_sent_once(processes):
    web, broker = processes(), Broker()
    web.add_channel(OLD_KEY)
    relay = DeliveryRelay(web.uow, broker.enqueue_many, SteppingClock(T0))
    relay._start = lambda: None  # the test turns the relay's crank itself
    # When Mozello sends the same body twice before the relay has sent the first
    first = web.post(order("M-1"), OLD_KEY, outbox=relay)
    again = web.post(order("M-1"), OLD_KEY, outbox=relay)  # hands the unqueued first over again
    # Then the first delivery goes to the workers once, in one message
    assert (first.outcome, again.outcome) == (Outcome.ACCEPTED, Outcome.DUPLICATE)
    assert relay.flush() == 1
    assert broker.messages == [[first.delivery.id]]


def test_a_batch_the_broker_refuses_stays_stored_for_the_sweep(processes):
    web, broker = processes(), Broker()
    web.add_channel(OLD_KEY)
    relay = DeliveryRelay(web.uow, broker.enqueue_many, SteppingClock(T0))
    relay._start = lambda: None
    # Given Redis is down when the relay sends
    broker.down = True
    accepted = web.post(order("M-1"), OLD_KEY, outbox=relay)
    assert accepted.outcome is Outcome.ACCEPTED and relay.flush() == 0
    # Then the body is kept unqueued, and the scheduler's sweep queues it once Redis is back
    (stored,) = web.deliveries()
    assert stored.queued_at is None
    later = SteppingClock(T0 + timedelta(minutes=1))
    assert queue_unqueued(web.uow, lambda c, d: web.queued.append(d), later) == 1
    assert web.queued == [stored.id]


def test_the_relays_thread_sends_a_single_webhook_at_once(processes):
    web, broker = processes(), Broker()
    web.add_channel(OLD_KEY)
    relay = DeliveryRelay(web.uow, broker.enqueue_many, SteppingClock(T0))
    accepted = web.post(order("M-1"), OLD_KEY, outbox=relay)
    deadline = time.monotonic() + 30
    while not broker.messages and time.monotonic() < deadline:
        time.sleep(0.01)
    assert broker.messages == [[accepted.delivery.id]]
    deadline = time.monotonic() + 30  # the mark follows the message
    while web.deliveries()[0].queued_at is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert web.deliveries()[0].queued_at is not None
