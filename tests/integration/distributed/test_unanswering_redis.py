"""A Redis that accepts connections and never answers (a failover, a partition) must fail the
service's calls within its timeouts — never hang a web request, the webhook relay, the scheduler
or a worker — and every Redis connection the service makes has them."""

from __future__ import annotations

import socket
import threading
import time

import dramatiq
import dramatiq.broker
import pytest
import redis

from entrypoints.config import load_config
from entrypoints.redis_connection import CONNECT_TIMEOUT, REPLY_TIMEOUT, redis_client
from entrypoints.runtime import build_runtime
from entrypoints.worker.broker import counters_for, setup_broker
from tests.services import require_redis

pytestmark = pytest.mark.integration


@pytest.fixture
def silent_redis():
    """A server that accepts every connection and reads what it is sent, answering nothing."""
    listener = socket.create_server(("127.0.0.1", 0))
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_call_to_a_silent_redis_fails_within_the_reply_timeout(silent_redis):
    client = redis_client(silent_redis, reply_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(redis.TimeoutError):
        client.ping()
    assert time.monotonic() - started < 2


def test_every_redis_connection_of_the_service_has_the_timeouts(tmp_path):
    url = require_redis()
    config = load_config({"SALES_INBOX_REDIS_URL": url, "SALES_INBOX_VAR_DIR": str(tmp_path),
                          "SALES_INBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    previous = dramatiq.broker.global_broker  # setup_broker makes its broker the process's
    try:
        clients = {
            "the workers' queue": setup_broker(url).client,
            "the message counters": counters_for(url).redis,
            "the shared rate limits": build_runtime(config).redis,
        }
    finally:
        dramatiq.broker.global_broker = previous
    for what, client in clients.items():
        settings = client.connection_pool.connection_kwargs
        assert (settings.get("socket_connect_timeout"), settings.get("socket_timeout")) == (
            CONNECT_TIMEOUT, REPLY_TIMEOUT), what
        assert client.ping(), what  # and they reach the real one
