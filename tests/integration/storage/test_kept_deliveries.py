"""A webhook's body is kept by a statement run on the driver's connection
(adapters/storage/driver_statement.py): what it stores must be exactly what the unit of work's own
path stores, the connection must go back to the pool as it came (on PostgreSQL: out of
autocommit, or a later unit of work's rollback would undo nothing), and the database's errors
must reach the caller as they always did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from application.errors import StorageBusy
from application.ports import ChannelCredentials, RawDelivery
from domain.settings import Channel

pytestmark = pytest.mark.integration

RIGA = timezone(timedelta(hours=2))


def delivery(n: int, **changes) -> RawDelivery:
    fields = dict(channel_id="shop", body=b'{"event":"PAYMENT_CHANGED","n":%d}\xc4\x81' % n,
                  headers={"Content-Type": "application/json", "X-Mozello-Alias": "līnu-darbnīca"},
                  received_at=datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=RIGA),
                  fingerprint=f"fp-{n}", event="PAYMENT_CHANGED", order_id=f"M-{n}")
    return RawDelivery(**{**fields, **changes})


@pytest.fixture
def shop(database):
    with database.new_uow() as uow:
        uow.channels.add(Channel("shop", "Shop"), ChannelCredentials(mozello_api_key="k"))
        uow.commit()
    return database


def stored(database) -> dict[str, RawDelivery]:
    with database.new_uow() as uow:
        return {d.order_id: d for d in uow.deliveries.list("shop")}


def as_stored(d: RawDelivery) -> tuple:
    return (d.body, d.headers, d.received_at, d.fingerprint, d.event, d.duplicate, d.error,
            d.queued_at)


def test_a_kept_delivery_is_stored_exactly_as_the_unit_of_works_own_insert_stores_it(shop):
    # Given one delivery kept by the webhook's path and the same delivery added in a unit of work
    with shop.new_uow() as uow:
        uow.deliveries.keep(delivery(1))
    with shop.new_uow() as uow:
        uow.deliveries.add(delivery(2, fingerprint="fp-1-other"))
        uow.commit()
    kept, added = stored(shop)["M-1"], stored(shop)["M-2"]
    # Then both read back alike: the bytes, the headers, the instant (in UTC), the flags
    in_utc = datetime(2026, 12, 1, 7, 30, 15, 123456, tzinfo=UTC)
    assert as_stored(kept)[:3] == (delivery(1).body, delivery(1).headers, in_utc)
    assert as_stored(added)[:3] == (delivery(2).body, delivery(2).headers, in_utc)
    assert (kept.duplicate, kept.error, kept.queued_at) == (False, None, None)
    # And the same body again is kept as a duplicate, by the same path
    with shop.new_uow() as uow:
        again = uow.deliveries.keep(delivery(1, id=None, order_id="M-1-again"))
    assert again.duplicate and stored(shop)["M-1-again"].duplicate


def test_a_unit_of_work_after_a_kept_delivery_still_rolls_back(shop):
    # Given a delivery kept on a pooled connection (PostgreSQL: in autocommit for that statement)
    with shop.new_uow() as uow:
        uow.deliveries.keep(delivery(1))
    # When the next unit of work — on the same pooled connection — adds one and does not commit
    with shop.new_uow() as uow:
        uow.deliveries.add(delivery(2))
    # Then nothing of it is stored
    assert sorted(stored(shop)) == ["M-1"]


def test_a_naive_instant_is_refused_before_anything_is_stored(shop):
    with shop.new_uow() as uow, pytest.raises(ValueError, match="naive datetime"):
        uow.deliveries.keep(delivery(1, received_at=datetime(2026, 12, 1, 9, 30)))
    assert stored(shop) == {}


def test_a_row_the_database_refuses_fails_as_the_database_says(shop):
    # Given a delivery kept under an id
    with shop.new_uow() as uow:
        uow.deliveries.keep(delivery(1, id="d-1"))
    # When another is kept under the same id, Then the database's refusal reaches the caller
    with shop.new_uow() as uow, pytest.raises(sa.exc.IntegrityError):
        uow.deliveries.keep(delivery(3, id="d-1"))
    # And the pooled connection is usable afterwards
    with shop.new_uow() as uow:
        uow.deliveries.keep(delivery(2))
    assert sorted(stored(shop)) == ["M-1", "M-2"]


def test_a_delivery_waiting_on_a_lock_longer_than_the_unit_of_work_allows_is_busy(shop):
    if shop.name != "sqlite":
        pytest.skip("PostgreSQL's inserts wait on no held write lock; SQLite's is database-wide")
    holder = shop.engine.raw_connection()
    holder.driver_connection.execute("BEGIN IMMEDIATE")
    try:
        with shop.new_uow(lock_timeout=0.1) as uow, pytest.raises(StorageBusy):
            uow.deliveries.keep(delivery(1))
    finally:
        holder.rollback()
        holder.close()
    assert stored(shop) == {}
