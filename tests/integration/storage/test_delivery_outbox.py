"""Deliveries: duplicates found by a unique index even when two requests race, and the outbox's
view of what has not reached the queue."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from application.ports import ChannelCredentials, RawDelivery
from domain.settings import Channel
from tests.integration.storage.conftest import _backend, postgres_engine  # noqa: F401

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def backend(request, tmp_path):
    yield from _backend(request.param, request, tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    yield from _backend(request.param, request, tmp_path)


def delivery(fingerprint: str = "fp-1", at: datetime = T0) -> RawDelivery:
    return RawDelivery("shop-a", b"{}", {}, at, fingerprint, event="ORDER_CREATED")


def test_two_racing_deliveries_of_one_body_make_exactly_one_first(database):
    # Given one request has stored a body but not yet committed
    first, second = database.new_uow(), database.new_uow()
    results = {}
    with first:
        results["first"] = first.deliveries.add(delivery(at=T0))

        def the_racing_request():
            with second:
                results["second"] = second.deliveries.add(delivery(at=T0))
                second.commit()

        racer = threading.Thread(target=the_racing_request)
        racer.start()  # it waits on the unique index (or on SQLite's write lock)
        first.commit()
        racer.join(timeout=30)
    # Then exactly one of them is the first; the other a duplicate
    assert (results["first"].duplicate, results["second"].duplicate) == (False, True)


def test_the_outbox_lists_first_deliveries_not_yet_queued(backend):
    with backend.new_uow() as uow:
        uow.channels.add(Channel("shop-a", "A"), ChannelCredentials())
        stored = uow.deliveries.add(delivery("fp-1"))
        uow.deliveries.add(delivery("fp-1", T0 + timedelta(seconds=1)))  # a duplicate
        uow.deliveries.add(delivery("fp-2"))
        uow.commit()
    # When one of them is queued
    with backend.new_uow() as uow:
        uow.deliveries.mark_queued([stored.id], T0 + timedelta(seconds=2))
        uow.commit()
    # Then only the other first delivery is still owed to the queue
    with backend.new_uow() as uow:
        waiting = uow.deliveries.unqueued(T0 + timedelta(minutes=1), limit=10)
        assert [d.fingerprint for d in waiting] == ["fp-2"]
        assert uow.deliveries.first_of("shop-a", "fp-1").queued_at == T0 + timedelta(seconds=2)
