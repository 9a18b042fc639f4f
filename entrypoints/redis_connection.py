"""How the service reaches Redis (the workers' queue, the shared rate limits, the message
counters): every connection has a connect timeout and a reply timeout, so a Redis that accepts a
connection and then never answers — a failover, a network partition, a full machine — fails a
call within seconds instead of hanging a web request, the webhook relay, the scheduler or a
worker for ever. A connection idle for half a minute is checked before it is used again."""

from __future__ import annotations

import redis

CONNECT_TIMEOUT = 5.0  # seconds to open a connection
REPLY_TIMEOUT = 10.0  # seconds to wait for an answer: the queue's scripts answer in milliseconds
HEALTH_CHECK_AFTER = 30  # seconds idle before a connection is pinged on its next use


def redis_client(url: str, *, connect_timeout: float = CONNECT_TIMEOUT,
                 reply_timeout: float = REPLY_TIMEOUT) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=connect_timeout,
                                socket_timeout=reply_timeout,
                                health_check_interval=HEALTH_CHECK_AFTER)
