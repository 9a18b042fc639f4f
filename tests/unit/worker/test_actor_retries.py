"""Which errors a worker retries: transient ones (timeouts, 5xx, busy locks) with backoff;
permanent ones and broken domain rules never — the same message would fail the same way.

A real Dramatiq Worker on the in-process StubBroker runs the production actors; only the retry
timing is shortened per message (the retry decision is the actors' own)."""

from __future__ import annotations

from datetime import UTC, datetime

import dramatiq
import pytest

from adapters.memory.accounting import FakeAccounting
from adapters.memory.clock import SteppingClock
from adapters.memory.gateways import StaticGateways
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.errors import PermanentError, TransientError
from application.ports import ChannelCredentials
from domain.errors import IllegalInboxTransition
from domain.inbox import InboxItem, InboxStatus
from domain.settings import Channel
from entrypoints.bootstrap import connect_broker
from entrypoints.config import load_config
from entrypoints.runtime import Runtime, set_runtime
from tests.shared_broker import leave_idle
from tests.unit.builders import order, settings

RETRIES = 2


class FailingGateways(StaticGateways):
    """The channel's PayTraq adapter cannot be had: each attempt raises `error`."""

    def __init__(self, error: Exception):
        super().__init__(FakeAccounting())
        self.error, self.attempts = error, 0

    def accounting(self, channel_id: str, credentials=None):
        self.attempts += 1
        raise self.error


@pytest.fixture
def worker_with(request):
    broker, actors = connect_broker(None)
    leave_idle(broker)  # shared by the process's tests: nothing of an earlier one left on it
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=10)

    def run(error: Exception) -> tuple[FailingGateways, dramatiq.Message]:
        store = MemoryStore()
        with InMemoryUnitOfWork(store) as uow:
            uow.channels.add(Channel("shop", "Shop", settings()), ChannelCredentials())
            uow.inbox.add(InboxItem("shop", "M-1", order("M-1"), datetime(2026, 1, 1, tzinfo=UTC)))
            uow.commit()
        gateways = FailingGateways(error)
        set_runtime(Runtime(load_config({}), lambda: InMemoryUnitOfWork(store), gateways,
                            clock=SteppingClock(datetime(2026, 1, 1, tzinfo=UTC))))
        worker.start()
        message = actors.process_order.send_with_options(
            args=("shop", "M-1", True), max_retries=RETRIES, min_backoff=1, max_backoff=5)
        broker.join("orders", fail_fast=False, timeout=10_000)
        worker.join()
        return gateways, message

    try:
        yield run
    finally:
        worker.stop()
        leave_idle(broker)
        set_runtime(None)


def test_a_transient_error_is_retried_until_the_retries_run_out(worker_with):
    # Given PayTraq times out on every attempt
    gateways, _ = worker_with(TransientError("PayTraq did not answer in time"))
    # Then the worker tried the message once and then once per retry
    assert gateways.attempts == 1 + RETRIES


def test_a_permanent_error_is_not_retried(worker_with):
    # Given PayTraq refuses the channel's credentials
    gateways, _ = worker_with(PermanentError("the API rejected the channel's credentials"))
    # Then the message is tried once: a retry would be refused the same way
    assert gateways.attempts == 1


def test_a_broken_domain_rule_is_not_retried(worker_with):
    # Given handling the order breaks the inbox's status rules
    gateways, _ = worker_with(IllegalInboxTransition("M-1", InboxStatus.CANCELLED,
                                                     InboxStatus.APPROVED))
    # Then the message is tried once: the same message breaks the same rule again
    assert gateways.attempts == 1
