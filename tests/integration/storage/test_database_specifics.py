"""What only the real databases do: encrypt credentials at rest, and lock an order for one worker."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
import sqlalchemy as sa

from adapters.errors import SecretKeyError
from adapters.storage.crypto import SecretBox
from adapters.storage.tables import channel_credentials
from adapters.storage.transaction import Transaction
from adapters.storage.uow import SqlAlchemyUnitOfWork
from application.errors import StorageBusy, UnknownChannel
from application.ports import ChannelCredentials
from domain.inbox import InboxStatus
from tests.unit.storage.examples import T0, full_item, rich_channel

pytestmark = pytest.mark.integration

SECRET = "pt-token-do-not-leak-7731"


@pytest.fixture
def stored(database):
    """A database with channel shop-a and its order M-1 in the inbox."""
    with database.new_uow() as uow:
        uow.channels.add(rich_channel("shop-a"), ChannelCredentials(paytraq_api_token=SECRET))
        uow.inbox.add(full_item("shop-a", "M-1"))
        uow.commit()
    return database


def test_credentials_are_encrypted_in_the_database(stored):
    # When the credentials column is read directly
    with stored.engine.connect() as connection:
        blob = connection.execute(sa.select(channel_credentials.c.encrypted)).scalar_one()
    # Then the secret is nowhere in it, yet the repository reads it back
    assert SECRET.encode() not in bytes(blob) and b"paytraq_api_token" not in bytes(blob)
    with stored.new_uow() as uow:
        assert uow.channels.credentials("shop-a").paytraq_api_token == SECRET


def test_credentials_read_with_another_key_fail_with_a_clear_error(stored):
    # Given the service restarted with a different secret key
    other_key = SqlAlchemyUnitOfWork(stored.engine, SecretBox(SecretBox.generate_key()))
    # When the channel's credentials are read
    with other_key as uow, pytest.raises(SecretKeyError) as caught:
        uow.channels.credentials("shop-a")
    # Then the error says so, in one line, without the secret
    assert "cannot be decrypted" in str(caught.value) and SECRET not in str(caught.value)


def test_an_order_of_an_unknown_channel_is_refused(stored):
    with stored.new_uow() as uow:
        uow.inbox.add(full_item("no-such-shop", "M-1"))
        with pytest.raises(UnknownChannel):
            uow.commit()


def locker(database, lock_timeout: float, outcome: dict, started: threading.Event) -> threading.Thread:
    def run() -> None:
        with database.new_uow(lock_timeout=lock_timeout) as uow:
            started.set()
            try:
                outcome["item"] = uow.inbox.get("shop-a", "M-1", for_update=True)
            except StorageBusy as error:
                outcome["error"] = error
            outcome["at"] = time.monotonic()

    return threading.Thread(target=run, daemon=True)


def wait_until_blocked(database, thread: threading.Thread, deadline_s: float = 10.0) -> None:
    """Poll, with a deadline, until `thread` is waiting for a lock held by another worker:
    PostgreSQL shows a session of this database waiting on a lock; SQLite shows nothing, so there the thread
    must be inside its `BEGIN IMMEDIATE` (seen through SQLAlchemy's statement hook)."""
    deadline = time.monotonic() + deadline_s
    if database.engine.dialect.name == "postgresql":
        query = sa.text("SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'")
        while True:
            with database.engine.connect() as connection:  # a fresh snapshot of the activity
                if connection.execute(query).scalar():
                    return
            assert time.monotonic() < deadline, "the second worker never waited for the lock"
            time.sleep(0.01)  # polling with a deadline
    while thread.ident not in sqlite_lockers:
        assert time.monotonic() < deadline, "the second worker never asked for the lock"
        time.sleep(0.01)  # polling with a deadline


sqlite_lockers: set[int] = set()


@pytest.fixture(autouse=True)
def _watch_sqlite_lock_requests(database):
    """Note the threads that are running `BEGIN IMMEDIATE` (SQLite's write lock)."""
    def before(conn, cursor, statement, *args):
        if statement.startswith("BEGIN IMMEDIATE"):
            sqlite_lockers.add(threading.get_ident())

    sa.event.listen(database.engine, "before_cursor_execute", before)
    yield
    sa.event.remove(database.engine, "before_cursor_execute", before)
    sqlite_lockers.clear()


def test_a_second_worker_cannot_lock_an_order_another_holds(stored):
    # Given a worker holding order M-1 for update
    with stored.new_uow() as holder:
        assert holder.inbox.get("shop-a", "M-1", for_update=True) is not None
        # When a second worker tries to lock it with a short timeout
        outcome: dict = {}
        started = threading.Event()
        thread = locker(stored, 0.3, outcome, started)
        thread.start()
        thread.join(10)
    # Then it gives up with StorageBusy, a transient error
    assert isinstance(outcome.get("error"), StorageBusy)


def test_a_second_locker_waits_and_then_sees_the_first_workers_change(stored):
    # Given a worker holding order M-1 for update, and a second one waiting for it
    outcome: dict = {}
    started = threading.Event()
    with stored.new_uow() as holder:
        item = holder.inbox.get("shop-a", "M-1", for_update=True)
        thread = locker(stored, 10.0, outcome, started)
        thread.start()
        wait_until_blocked(stored, thread)
        assert "item" not in outcome and "error" not in outcome  # still waiting
        # When the first worker changes the item and commits
        item.cancel(T0)
        released_at = time.monotonic()
        holder.commit()
    thread.join(10)
    # Then the second worker got the lock only afterwards, and sees the change
    assert outcome["at"] >= released_at
    assert outcome["item"].status is InboxStatus.CANCELLED and outcome["item"].version == 2


def test_reading_without_a_lock_is_not_blocked_by_a_locker(stored):
    with stored.new_uow() as holder:
        holder.inbox.get("shop-a", "M-1", for_update=True)
        with stored.new_uow(lock_timeout=0.3) as reader:
            assert reader.inbox.get("shop-a", "M-1").order_id == "M-1"


def test_credentials_changed_by_another_process_are_used_by_the_next_message(stored):
    # Given a worker that has read (and decrypted) the channel's credentials for a message
    with stored.new_uow() as worker:
        assert worker.channels.credentials("shop-a").paytraq_api_token == SECRET
    # When a person changes them elsewhere (the console, the CLI)
    with stored.new_uow() as console:
        console.channels.set_credentials("shop-a", ChannelCredentials(paytraq_api_token="new"))
        console.commit()
    # Then the worker's next message reads the new ones
    with stored.new_uow() as next_message:
        assert next_message.channels.credentials("shop-a").paytraq_api_token == "new"


def test_a_change_rolled_back_is_not_read_back_in_the_same_unit_of_work(stored):
    uow = stored.new_uow()
    # Given a unit of work that read the channel, then changed it and rolled the change back
    with uow:
        uow.channels.get("shop-a")
        uow.channels.set_credentials("shop-a", ChannelCredentials(paytraq_api_token="never"))
        uow.channels.update(replace(rich_channel("shop-a"), name="Renamed"))
        assert uow.channels.get("shop-a").name == "Renamed"
    # Then its later blocks read what the database holds
    with uow:
        assert uow.channels.get("shop-a").name == rich_channel("shop-a").name
        assert uow.channels.credentials("shop-a").paytraq_api_token == SECRET


def test_postgresql_waits_for_a_lock_as_long_as_each_unit_of_work_was_told(database):
    # Given PostgreSQL's pooled connections, set to the usual wait once when made
    if database.engine is None or database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's lock_timeout")
    show = sa.text("SHOW lock_timeout")
    waits = []
    # When units of work with the usual wait, a short one, and the usual again (one rolled
    # back) take locks one after the other
    for seconds, ends in ((10.0, "rollback"), (0.3, "commit"), (10.0, "rollback"), (10.0, "x")):
        transaction = Transaction(database.engine, seconds)
        waits.append(transaction.read(show, lock=True)[0]["lock_timeout"])
        transaction.commit() if ends == "commit" else transaction.rollback()
        transaction.close()
    # Then each waits what it was told: a short wait never stays with the connection
    assert waits == ["10s", "300ms", "10s", "10s"]
