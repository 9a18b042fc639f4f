"""PostgreSQL's pooled connections (adapters/storage/engine.py): one that idled and was closed by
the server (a restart, an idle timeout) is replaced before use; one used moments ago is trusted,
and its loss fails one use only — the pool is renewed, and the next use works."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from adapters.storage.engine import make_engine
from tests.integration.storage.conftest import postgres_engine  # noqa: F401

pytestmark = pytest.mark.integration


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def _terminate(admin: sa.Engine, pid: int) -> None:
    with admin.connect() as connection:
        assert connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar_one()


@pytest.fixture
def admin(postgres_engine):  # noqa: F811
    engine = sa.create_engine(postgres_engine.url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def test_an_idle_connection_the_server_closed_is_replaced_before_use(postgres_engine, admin):  # noqa: F811
    engine = make_engine(postgres_engine.url, ping_after_idle=0.0)  # every checkout is "idle"
    try:
        first = _backend_pid(engine)
        _terminate(admin, first)  # PostgreSQL closes the pooled connection
        # When the engine is used again, it works, on a new connection
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_a_connection_lost_moments_after_use_fails_once_then_the_pool_is_renewed(
        postgres_engine, admin):  # noqa: F811
    engine = make_engine(postgres_engine.url, ping_after_idle=3600.0)  # never pinged here
    try:
        first = _backend_pid(engine)
        _terminate(admin, first)
        # Then the one use on the lost connection fails (a web request answers 500, a worker's
        # message is retried) ...
        with pytest.raises(sa.exc.OperationalError):
            _backend_pid(engine)
        # ... and the next use gets a fresh connection
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_webhook_bodies_kept_after_a_database_restart_fail_once_not_once_per_connection(
        postgres_engine, admin):  # noqa: F811
    # the webhook's statement runs on the driver's connection (driver_statement.py): a lost
    # connection must renew the pool as SQLAlchemy's own statements do, or every pooled
    # connection would fail one webhook after a restart
    from datetime import UTC, datetime

    from adapters.storage.crypto import SecretBox
    from adapters.storage.uow import SqlAlchemyUnitOfWork
    from application.ports import RawDelivery

    engine = make_engine(postgres_engine.url, ping_after_idle=3600.0)
    box = SecretBox(SecretBox.generate_key())

    def keep(n: int) -> str:
        try:
            with SqlAlchemyUnitOfWork(engine, box) as uow:
                uow.deliveries.keep(RawDelivery("lost-shop", b"{}", {}, datetime.now(UTC),
                                                f"lost-{n}", "PAYMENT_CHANGED", f"M-{n}"))
        except sa.exc.OperationalError:  # the web answers 500: Mozello sends it again
            return "failed"
        return "kept"
    try:
        held = [engine.raw_connection() for _ in range(3)]  # three pooled connections
        pids = [c.driver_connection.execute("SELECT pg_backend_pid()").fetchone()[0] for c in held]
        for connection in held:
            connection.close()
        for pid in pids:  # PostgreSQL restarts: every pooled connection is gone
            _terminate(admin, pid)
        assert [keep(n) for n in range(4)] == ["failed", "kept", "kept", "kept"]
        with engine.connect() as connection:
            kept = connection.exec_driver_sql(
                "SELECT order_id FROM raw_deliveries WHERE channel_id = 'lost-shop' "
                "ORDER BY order_id").scalars().all()
            connection.exec_driver_sql("DELETE FROM raw_deliveries WHERE channel_id = 'lost-shop'")
            connection.commit()
        assert kept == ["M-1", "M-2", "M-3"]
    finally:
        engine.dispose()


_RELEASE = sa.delete(sa.table("locks", sa.column("name"))).where(
    sa.column("name") == sa.bindparam("name"))  # built once, as the hot paths' statements are


def test_a_kept_connection_the_server_closed_during_an_outside_call_is_replaced_not_failed(
        postgres_engine, admin):  # noqa: F811
    # A worker's unit of work keeps one connection for its statements alone across the PayTraq
    # calls between them; PostgreSQL closes it meanwhile (a restart, an idle timeout)
    from adapters.storage.transaction import Transaction

    engine = make_engine(postgres_engine.url, ping_after_idle=0.0)  # every reuse is "idle"
    transaction = Transaction(engine, 10.0)
    try:
        transaction.write_alone(_RELEASE, {"name": "step-before-the-call"})
        kept = transaction._driver.driver_connection.info.backend_pid
        _terminate(admin, kept)
        # When the step after the call is recorded, it is, on a new connection: the order is
        # not failed (and retried) for a connection it idled away
        assert transaction.write_alone(_RELEASE, {"name": "step-after-the-call"}).rowcount == 0
        assert transaction._driver.driver_connection.info.backend_pid != kept
    finally:
        transaction.close()
        engine.dispose()


def test_a_kept_connection_used_moments_ago_is_trusted_without_a_ping(postgres_engine):  # noqa: F811
    from adapters.storage.transaction import Transaction

    engine = make_engine(postgres_engine.url, ping_after_idle=3600.0)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda *args: statements.append(args[2]))
    transaction = Transaction(engine, 10.0)
    try:
        for n in range(3):
            transaction.write_alone(_RELEASE, {"name": f"step-{n}"})
        assert len(statements) == 3  # the three statements, no round trip in between
    finally:
        transaction.close()
        engine.dispose()


@pytest.mark.parametrize("read_alone", [True, False])
def test_a_database_out_of_reach_fails_as_sqlalchemys_error_whichever_way_it_is_read(
        read_alone):
    # callers tell "the database is unreachable" (transient: retried) by SQLAlchemy's error
    from adapters.storage.transaction import Transaction
    from tests.services import free_port

    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none")
    read = sa.select(sa.table("locks", sa.column("holder"))).where(
        sa.column("name") == sa.bindparam("name"))
    transaction = Transaction(engine, 10.0)
    try:
        with pytest.raises(sa.exc.OperationalError):
            if read_alone:
                transaction.read(read, params={"name": "x"})
            else:
                transaction.write_alone(_RELEASE, {"name": "x"})
    finally:
        transaction.close()
        engine.dispose()


def test_a_kept_connection_the_server_closed_is_not_handed_to_the_next_transaction(
        postgres_engine, admin):  # noqa: F811
    # Given a kept connection that idled through a PayTraq call while PostgreSQL closed it, and
    # the next step a transaction (a locked read, several writes) rather than a statement alone
    import time

    from adapters.storage.transaction import Transaction

    engine = make_engine(postgres_engine.url, ping_after_idle=0.2)
    transaction = Transaction(engine, 10.0)
    try:
        transaction.write_alone(_RELEASE, {"name": "step-before-the-call"})
        kept = transaction._driver.driver_connection.info.backend_pid
        _terminate(admin, kept)
        time.sleep(0.3)  # the call
        # When the transaction begins (the kept connection goes back to the pool first), it
        # works: the pool counts the connection's idling from its last use, and pings it
        transaction.write(_RELEASE, {"name": "step-after-the-call"})
        transaction.commit()
    finally:
        transaction.close()
        engine.dispose()
