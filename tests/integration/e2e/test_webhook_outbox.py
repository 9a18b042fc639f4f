"""A webhook counts as handled only once it is on the workers' queue (issue 13, defect 6), and
whatever a signed body holds it is kept and answered below 500 (defects 3 and 5)."""

from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.clock import SteppingClock
from adapters.mozello.signature import sign
from application.outbox import queue_unqueued
from application.ports import RawDelivery
from entrypoints.web.app import create_app

ORDER = (
    b'{"event":"ORDER_CREATED","order":{"order_id":"M-1-1","created_at":"2026-02-01 10:00:00",'
    b'"payment_status":"pending","subtotal":"11","total":"11.00","cart":[{"product_sku":"A",'
    b'"product_price":"11","product_quantity":1}]}}'
)
T0 = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)


class Broker:
    """The workers' queue as the web process sees it; `down` refuses like a stopped Redis."""

    def __init__(self):
        self.down, self.queued = False, []

    def enqueue(self, channel_id: str, delivery_id: str) -> None:
        if self.down:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.queued.append(delivery_id)


@pytest.fixture
def web(service):
    broker = Broker()
    client = create_app(service.runtime, broker.enqueue).test_client()

    def post(body: bytes, key: str | None = None):
        signature = sign(body, key or service.mozello.api_key)
        return client.post(f"/webhooks/mozello/{service.channel_id}", data=body,
                           headers={"X-Mozello-Hash": signature})

    return post, broker


def deliveries(service):
    with service.runtime.uow_factory() as uow:
        return uow.deliveries.list(service.channel_id)


def test_a_webhook_refused_while_redis_is_down_is_queued_by_mozellos_retry(service, web):
    post, broker = web
    # Given Redis is down when the webhook arrives
    broker.down = True
    answer = post(ORDER)
    # Then Mozello is told to retry, and the body is kept
    assert answer.status_code == 503
    (stored,) = deliveries(service)
    assert stored.queued_at is None
    # When Redis is back and Mozello retries the same body
    broker.down = False
    retry = post(ORDER)
    # Then the first delivery is queued (once), the retry recorded as its duplicate
    assert retry.status_code == 200 and retry.json["duplicate"] is True
    assert broker.queued == [stored.id]
    # And a further retry queues nothing more
    assert post(ORDER).status_code == 200
    assert broker.queued == [stored.id]


def test_a_delivery_left_unqueued_is_queued_by_the_prompt_sweep(service, web):
    post, broker = web
    broker.down = True
    assert post(ORDER).status_code == 503
    (stored,) = deliveries(service)
    # When the scheduler's outbox sweep runs a little later (Mozello has not retried yet)
    broker.down = False
    later = SteppingClock(stored.received_at + timedelta(seconds=20))
    swept = queue_unqueued(service.runtime.uow_factory, broker.enqueue, later)
    # Then the delivery is on the queue, and the next sweep leaves it alone
    assert (swept, broker.queued) == (1, [stored.id])
    assert queue_unqueued(service.runtime.uow_factory, broker.enqueue, later) == 0


def test_a_signed_body_nested_a_thousand_levels_deep_is_kept_and_answered_400(service, web):
    post, _ = web
    body = b'{"event":"ORDER_CREATED","order":' + b"[" * 5000 + b"]" * 5000 + b"}"
    answer = post(body)
    assert answer.status_code == 400
    (stored,) = deliveries(service)
    assert stored.body == body and "nested too deeply" in stored.error


@pytest.mark.parametrize("absurd", [b'"product_quantity":1e400', b'"product_quantity":"1e40"'])
def test_amounts_beyond_decimal_precision_are_kept_and_refused_by_the_worker_once(service, web,
                                                                                 absurd):
    """The web reads only the event and the order id (issue 14); the order is read by the
    worker, which keeps the reason with the delivery and does not retry (issue 13)."""
    post, broker = web
    body = ORDER.replace(b'"product_quantity":1', absurd)
    answer = post(body)
    (stored,) = deliveries(service)
    assert answer.status_code == 200 and stored.body == body and broker.queued == [stored.id]
    # When the worker receives it, it returns normally (nothing to retry)
    from entrypoints.worker import actors  # bound to the service's broker once it is set up

    actors.receive_delivery(service.channel_id, stored.id)
    # Then the delivery says why it was not read, and no inbox item was made of it
    (refused,) = deliveries(service)
    assert "product_quantity" in refused.error
    assert service.item("M-1-1") is None


def test_a_batch_from_the_relay_receives_every_delivery_though_one_of_them_fails(service, web):
    """The relay sends a burst as one message; one delivery that cannot be received (here its
    channel was deleted) goes on as a message of its own, and the others are received."""
    post, broker = web
    other = ORDER.replace(b'"M-1-1"', b'"M-1-2"')
    assert post(ORDER).status_code == 200 and post(other).status_code == 200
    good = [d.id for d in deliveries(service)]
    with service.runtime.uow_factory() as uow:
        orphan = uow.deliveries.add(RawDelivery("deleted-shop", ORDER, {}, T0, "fp-orphan",
                                                "ORDER_CREATED", "M-9-9"))
        uow.commit()
    from entrypoints.worker import actors

    batch = [["deleted-shop", orphan.id]] + [[service.channel_id, d] for d in good]
    actors.receive_deliveries(batch)  # returns: nothing to retry as a whole
    assert service.item("M-1-1") is not None and service.item("M-1-2") is not None


def _batches_processed(service) -> int:
    """The workers' count of receive_deliveries messages processed (kept in Redis, so it
    counts on from earlier tests: compare before and after)."""
    import requests

    metrics = requests.get(f"{service.base_url}/metrics", headers=service.metrics_headers,
                           timeout=10).text
    line = 'sales_inbox_messages_total{actor="receive_deliveries",outcome="processed"} '
    return next((int(float(row.removeprefix(line))) for row in metrics.splitlines()
                 if row.startswith(line)), 0)


def test_a_batch_that_runs_past_its_time_hands_the_rest_on_and_every_order_arrives(service,
                                                                                  monkeypatch):
    """A batch received for longer than BATCH_SECONDS sends the rest as a batch of its own
    (here every batch takes one delivery, then hands on): each order is received once."""
    from entrypoints.worker import actors

    monkeypatch.setattr(actors, "BATCH_SECONDS", 0)
    bodies = [ORDER.replace(b'"M-1-1"', f'"M-1-{n}"'.encode()) for n in range(1, 5)]
    stored = []
    with service.runtime.uow_factory() as uow:
        for n, body in enumerate(bodies, start=1):
            stored.append(uow.deliveries.add(RawDelivery(
                service.channel_id, body, {}, T0, f"fp-{n}", "ORDER_CREATED", f"M-1-{n}")))
        uow.commit()
    before = _batches_processed(service)
    actors.receive_deliveries.send([[service.channel_id, d.id] for d in stored])
    service.join()
    assert all(service.item(f"M-1-{n}") is not None for n in range(1, 5))
    # And the four came in four messages: each batch handed the rest on
    assert _batches_processed(service) - before == 4
