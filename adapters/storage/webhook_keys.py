"""The per-process cache of each channel's webhook signing key (its Mozello API key, decrypted).

Without it every webhook paid a read of the channel, a read of its credentials and a Fernet
decrypt. A key is kept for TTL seconds per engine (= per database, per process), and forgotten
as soon as a unit of work of this process commits new credentials for the channel. A key changed
by another process is seen within TTL at the latest, and at once by a webhook signed with the new
key: a signature that fails against a cached key is checked once more against a fresh read
(application/handlers/accept_delivery.py). An unknown channel is never cached, so a channel
added by another process receives its first webhook at once."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterable

import sqlalchemy as sa

TTL = 30.0  # seconds: how long a key changed by another process may still be accepted here


class WebhookKeyCache:
    def __init__(self, ttl: float = TTL, clock: Callable[[], float] = time.monotonic):
        self.ttl, self._clock = ttl, clock
        self._keys: dict[str, tuple[str, float]] = {}  # channel id -> (key, read at)
        self._forgets = 0  # a read that a forget overtook is not kept
        self._lock = threading.Lock()

    def get(self, channel_id: str) -> str | None:
        kept = self._keys.get(channel_id)
        if kept is None or self._clock() - kept[1] >= self.ttl:
            return None
        return kept[0]

    def reading(self) -> int:
        """Call before reading a key from the database; hand the answer to `put`."""
        return self._forgets

    def put(self, channel_id: str, key: str, reading: int) -> None:
        with self._lock:
            if reading == self._forgets:  # no change was committed here while it was read
                self._keys[channel_id] = (key, self._clock())

    def forget(self, channel_ids: Iterable[str]) -> None:
        with self._lock:
            self._forgets += 1
            for channel_id in channel_ids:
                self._keys.pop(channel_id, None)

    def __repr__(self) -> str:
        return f"WebhookKeyCache({len(self._keys)} channels, ttl={self.ttl})"  # never the keys


_caches: weakref.WeakKeyDictionary[sa.Engine, WebhookKeyCache] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def cache_for(engine: sa.Engine) -> WebhookKeyCache:
    """The process's cache for this database: every unit of work over the engine shares it."""
    with _lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = WebhookKeyCache()
        return cache
