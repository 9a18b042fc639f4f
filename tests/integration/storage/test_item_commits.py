"""A commit whose one write is an item's UPDATE — a step recorded around an outside call — is
that statement alone (adapters/storage/inbox_repository.py): durable when it returns, refused by
the version check like any other, and with no BEGIN or COMMIT around it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from application.errors import ConcurrentUpdate
from application.ports import ChannelCredentials
from domain.inbox import Step
from domain.settings import Channel
from tests.unit.storage.examples import T0, full_item

pytestmark = pytest.mark.integration


@pytest.fixture
def stored(database):
    with database.new_uow() as uow:
        uow.channels.add(Channel("shop-a", "Veikals A"), ChannelCredentials())
        uow.inbox.add(full_item("shop-a", "M-1"))
        uow.commit()
    return database


def read_then_end_its_transaction(uow):
    item = uow.inbox.get("shop-a", "M-1")
    uow.commit()  # PostgreSQL's read opened a transaction; nothing is left open now
    return item


class Sent:
    """The statements the engine sends, and the commits SQLAlchemy makes."""

    def __init__(self, engine: sa.Engine):
        self.statements, self.commits, self.engine = [], 0, engine
        self.alone = []  # statements run on the driver's connection, each its own commit
        sa.event.listen(engine, "before_cursor_execute", self._statement)
        sa.event.listen(engine, "commit", self._commit)

    def _statement(self, conn, cursor, sql, *args):
        self.statements.append(sql.split()[0].upper())
        if conn is None:
            self.alone.append(sql.split()[0].upper())

    def _commit(self, conn):
        self.commits += 1

    def stop(self):
        sa.event.remove(self.engine, "before_cursor_execute", self._statement)
        sa.event.remove(self.engine, "commit", self._commit)


def test_a_recorded_step_is_one_update_committed_by_itself(stored):
    with stored.new_uow() as uow:
        item = read_then_end_its_transaction(uow)
        sent = Sent(stored.engine)
        try:
            # When a step is recorded (the write-ahead record before an outside call)
            item.steps.append(Step("creating_document", T0, {"attempt": "1"}))
            uow.commit()
        finally:
            sent.stop()
        # Then one UPDATE went, alone, with no BEGIN or COMMIT around it
        assert (sent.statements, sent.alone, sent.commits) == (["UPDATE"], ["UPDATE"], 0)
    # And another unit of work sees it at once
    with stored.new_uow() as other:
        assert other.inbox.get("shop-a", "M-1").steps[-1].name == "creating_document"


def test_a_recorded_step_that_lost_a_race_is_refused_and_not_written(stored):
    first, second = stored.new_uow(), stored.new_uow()
    with first, second:
        mine, theirs = read_then_end_its_transaction(first), read_then_end_its_transaction(second)
        mine.steps.append(Step("mine", T0, {}))
        first.commit()
        theirs.steps.append(Step("theirs", T0, {}))
        with pytest.raises(ConcurrentUpdate, match="M-1"):
            second.commit()
    with stored.new_uow() as uow:
        assert [s.name for s in uow.inbox.get("shop-a", "M-1").steps][-1] == "mine"


def test_a_step_committed_with_another_write_shares_its_transaction(stored):
    with stored.new_uow() as uow:
        item = read_then_end_its_transaction(uow)
        sent = Sent(stored.engine)
        try:
            uow.clients.put("shop-a", "email:janis@example.lv", "C-9")  # another write first
            item.steps.append(Step("client_found", T0, {}))
            uow.commit()
        finally:
            sent.stop()
        # Then both were one transaction: nothing ran alone, and SQLAlchemy committed it
        assert "UPDATE" in sent.statements and sent.alone == []
        assert sent.commits == 1


def test_a_unit_of_work_entered_again_reads_afresh_what_another_changed_meanwhile(stored):
    # Given a unit of work that read the channel's write-test verdict in one `with` block
    later = T0.replace(year=2026)
    mine = stored.new_uow()
    with mine:
        assert mine.write_dialects.writes_kept_since("shop-a") is None
    # When another process records a passed write test
    with stored.new_uow() as other:
        other.write_dialects.record_write_test("shop-a", True, later)
        other.commit()
    # Then the next block of the first unit of work sees it
    with mine:
        assert mine.write_dialects.writes_kept_since("shop-a") == later


def test_an_item_read_and_committed_unchanged_writes_nothing(stored):
    # the row as read stands for the row as it would be written (inbox_repository.get): were
    # they to differ in form, every commit would rewrite columns nobody changed
    with stored.new_uow() as uow:
        uow.inbox.get("shop-a", "M-1")
        sent = Sent(stored.engine)
        try:
            uow.commit()
        finally:
            sent.stop()
        assert sent.statements == []


def test_a_step_recorded_on_an_item_as_read_writes_only_its_steps_and_version(stored):
    with stored.new_uow() as uow:
        item = uow.inbox.get("shop-a", "M-1")
        written = []
        listener = lambda conn, cursor, sql, *rest: written.append(sql)  # noqa: E731
        sa.event.listen(stored.engine, "before_cursor_execute", listener)
        try:
            item.steps.append(Step("creating_document", T0, {"attempt": "1"}))
            uow.commit()
        finally:
            sa.event.remove(stored.engine, "before_cursor_execute", listener)
    assert len(written) == 1
    assigned = written[0].split(" SET ")[1].split(" WHERE ")[0]
    assert [part.split("=")[0].strip() for part in assigned.split(",")] == ["steps", "version"]
    with stored.new_uow() as uow:
        assert uow.inbox.get("shop-a", "M-1").steps == [*full_item("shop-a", "M-1").steps,
                                                        Step("creating_document", T0,
                                                             {"attempt": "1"})]
