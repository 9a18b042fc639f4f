"""A read the hot paths make outside a transaction — the channel, an inbox item, the caches, the
write dialect — is one statement on the driver's connection (Transaction.read with a statement
built once per process): it must hand out exactly what SQLAlchemy's own execution would, leave
no transaction open, and give way to the unit of work's transaction once that is open."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from adapters.storage import (
    cache_repositories,
    channel_repository,
    inbox_repository,
    write_dialect_repository,
)
from adapters.storage.driver_statement import MAX_KNOWN, compiled_for
from adapters.storage.tables import sku_cache
from application.ports import ChannelCredentials
from domain.inbox import Step
from domain.paytraq_totals import TaxKey
from domain.settings import Channel
from tests.integration.storage.test_item_commits import Sent
from tests.unit.storage.examples import T0, full_item

pytestmark = pytest.mark.integration

HOT_READS = [  # (statement, its parameters) for every statement read alone in a worker's order
    (channel_repository._GET, {"channel_id": "shop-a"}),
    (channel_repository._CREDENTIALS, {"channel_id": "shop-a"}),
    (inbox_repository._GET, {"k_channel": "shop-a", "k_order": "M-1"}),
    (write_dialect_repository._ROW, {"channel_id": "shop-a"}),
    (cache_repositories._CLIENT, {"channel_id": "shop-a", "match_key": "email:a@example.lv"}),
    (cache_repositories._ITEM, {"channel_id": "shop-a", "sku": "TT-100"}),
    (cache_repositories._ITEM_SINCE, {"channel_id": "shop-a", "sku": "TT-100",
                                      "not_before": T0 - timedelta(days=1)}),
]


@pytest.fixture
def stored(database):
    with database.new_uow() as uow:
        uow.channels.add(Channel("shop-a", "Veikals A"),
                         ChannelCredentials("MZL-key", "pt-key", "pt-token"))
        uow.inbox.add(full_item("shop-a", "M-1"))
        uow.write_dialects.remember_tax_keys(
            "shop-a", [TaxKey("100021", "PVN 21%", Decimal("21")), TaxKey("100099", "nav PVN")],
            T0)
        uow.write_dialects.record_write_test("shop-a", True, T0)
        uow.clients.put("shop-a", "email:a@example.lv", "C-17")
        uow.sku_cache.put("shop-a", "TT-100", "I-42", T0)
        uow.commit()
    return database


@pytest.mark.parametrize("statement, params", HOT_READS,
                         ids=[f"{n}" for n in range(len(HOT_READS))])
def test_a_lone_read_hands_out_what_sqlalchemys_own_execution_would(stored, statement, params):
    engine = stored.engine
    with engine.connect() as connection:
        expected = [dict(row) for row in connection.execute(statement, params).mappings()]
    raw = engine.raw_connection()
    try:
        got = compiled_for(statement, engine.dialect).mappings(engine, raw, params)
    finally:
        raw.rollback()
        raw.close()
    assert expected, "the example data must give each statement a row"
    assert got == expected
    # the same types too (a str where a datetime or Decimal belongs would compare unequal
    # only sometimes)
    assert [{k: type(v) for k, v in row.items()} for row in got] == \
           [{k: type(v) for k, v in row.items()} for row in expected]


def test_the_worker_reads_an_item_and_its_channel_as_they_were_stored(stored):
    with stored.new_uow() as uow:
        assert uow.inbox.get("shop-a", "M-1") == replace(full_item("shop-a", "M-1"), version=1)
        assert uow.channels.get("shop-a").name == "Veikals A"
        assert uow.channels.credentials("shop-a").paytraq_api_token == "pt-token"
        assert uow.write_dialects.writes_kept_since("shop-a") == T0
        assert uow.write_dialects.tax_keys("shop-a", T0)[0].rate == Decimal("21")
        assert uow.clients.get("shop-a", "email:a@example.lv") == "C-17"
        assert uow.sku_cache.get("shop-a", "TT-100", not_before=T0) == "I-42"
        assert uow.sku_cache.get("shop-a", "TT-100", not_before=T0 + timedelta(seconds=1)) is None


def test_a_lone_read_is_one_statement_and_leaves_no_transaction_open(stored):
    sent = Sent(stored.engine)
    try:
        with stored.new_uow() as uow:
            assert uow.clients.get("shop-a", "email:a@example.lv") == "C-17"
            # Then it was one SELECT on the driver's connection, with no BEGIN or ROLLBACK
            assert (sent.statements, sent.alone) == (["SELECT"], ["SELECT"])
            assert not uow._transaction.in_transaction()
    finally:
        sent.stop()
    if stored.name == "postgresql":  # and the pooled connection is as it was: not in autocommit
        raw = stored.engine.raw_connection()
        try:
            assert raw.driver_connection.autocommit is False
            assert raw.driver_connection.info.transaction_status.name == "IDLE"
        finally:
            raw.close()


@pytest.mark.parametrize("read_first", [False, True], ids=["write first", "read alone first"])
def test_a_read_after_a_write_in_the_same_unit_of_work_sees_that_write(stored, read_first):
    with stored.new_uow() as uow:
        if read_first:  # the connection kept for statements alone goes back to the pool as
            assert uow.clients.get("shop-a", "email:a@example.lv") == "C-17"  # it came
        uow.clients.put("shop-a", "email:b@example.lv", "C-18")  # opens the transaction
        # Then the read goes through that transaction and sees the write not yet committed
        assert uow.clients.get("shop-a", "email:b@example.lv") == "C-18"
        uow.rollback()
    with stored.new_uow() as uow:
        assert uow.clients.get("shop-a", "email:b@example.lv") is None


def test_statements_built_for_each_use_do_not_fill_the_compiled_cache(stored):
    engine = stored.engine
    raw = engine.raw_connection()
    try:
        for n in range(MAX_KNOWN + 20):
            statement = sa.select(sku_cache.c.item_id, sa.literal(n).label("n")).where(
                sku_cache.c.sku == sa.bindparam("sku"))
            rows = compiled_for(statement, engine.dialect).mappings(engine, raw, {"sku": "TT-100"})
            assert rows == [{"item_id": "I-42", "n": n}]
    finally:
        raw.rollback()
        raw.close()
    assert len(vars(engine.dialect)["sales_inbox_driver_statements"]) <= MAX_KNOWN


def test_statements_run_alone_share_one_pooled_connection_per_unit_of_work(stored):
    checkouts = []
    listener = lambda *args: checkouts.append(1)  # noqa: E731
    sa.event.listen(stored.engine, "checkout", listener)
    try:
        with stored.new_uow() as uow:
            item = uow.inbox.get("shop-a", "M-1")
            uow.clients.get("shop-a", "email:a@example.lv")
            uow.sku_cache.get("shop-a", "TT-100")
            item.steps.append(Step("creating_document", T0, {"attempt": "1"}))
            uow.commit()  # the item's UPDATE, alone
            assert len(checkouts) == 1
            # When a transaction begins, the kept connection goes back first: one at a time
            uow.clients.put("shop-a", "email:c@example.lv", "C-19")
            assert stored.engine.pool.checkedout() == 1
            uow.commit()
            # and a statement alone after it takes one back in the transaction's place
            assert uow.clients.get("shop-a", "email:c@example.lv") == "C-19"
            assert stored.engine.pool.checkedout() == 1
    finally:
        sa.event.remove(stored.engine, "checkout", listener)
    assert len(checkouts) == 3
    assert stored.engine.pool.checkedout() == 0


def test_a_connection_lost_between_statements_fails_one_and_the_next_gets_a_new_one(stored):
    if stored.name != "postgresql":
        pytest.skip("a server that drops a connection: PostgreSQL")
    admin = sa.create_engine(stored.engine.url, isolation_level="AUTOCOMMIT")
    try:
        with stored.new_uow() as uow:
            assert uow.clients.get("shop-a", "email:a@example.lv") == "C-17"
            pid = uow._transaction._driver.driver_connection.info.backend_pid
            with admin.connect() as connection:
                connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
            # Then the next read on it fails (the message is retried) ...
            with pytest.raises(sa.exc.OperationalError):
                uow.clients.get("shop-a", "email:a@example.lv")
            # ... and the one after that works, on a fresh connection
            assert uow.sku_cache.get("shop-a", "TT-100") == "I-42"
            assert uow._transaction._driver.driver_connection.info.backend_pid != pid
    finally:
        admin.dispose()
    assert stored.engine.pool.checkedout() == 0


def test_a_unit_of_work_dropped_without_closing_lends_no_autocommit_to_the_next(stored):
    # Given a unit of work's transaction that read alone and was dropped without being closed
    # (a bug elsewhere: every unit of work here is closed by its `with`)
    if stored.name != "postgresql":
        pytest.skip("PostgreSQL's autocommit")
    import gc
    import warnings

    from adapters.storage.transaction import Transaction

    dropped = Transaction(stored.engine, 10.0)
    assert dropped.read(cache_repositories._CLIENT,
                        params={"channel_id": "shop-a", "match_key": "email:a@example.lv"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy warns of the connection it cleans up
        del dropped
        gc.collect()
    # Then the next unit of work's transaction is one: its rollback undoes its write
    with stored.new_uow() as uow:
        uow.clients.put("shop-a", "email:d@example.lv", "C-20")
        uow.rollback()
    with stored.new_uow() as uow:
        assert uow.clients.get("shop-a", "email:d@example.lv") is None
