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
