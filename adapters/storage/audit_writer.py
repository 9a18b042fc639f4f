"""The audit log written off the caller's thread: an outside call never waits for the database
(SQLite has one write lock; a busy database must not slow PayTraq calls or drop them)."""

from __future__ import annotations

import atexit
import queue
import threading
from collections.abc import Callable

import structlog

from application.ports import AuditEntry, UnitOfWork

logger = structlog.get_logger()


class AuditWriter:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], batch: int = 200,
                 interval: float = 0.5):
        self.uow_factory, self.batch, self.interval = uow_factory, batch, interval
        self._queue: queue.Queue[AuditEntry] = queue.Queue(maxsize=100_000)
        self._stop = threading.Event()
        self._flushing = threading.Lock()  # a caller's flush waits for one in progress
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def record(self, entry: AuditEntry) -> None:
        try:
            self._queue.put_nowait(entry)
        except queue.Full:
            logger.warning("audit_log_full", dropped=f"{entry.api} {entry.method} {entry.path}")

    def flush(self) -> int:
        """Write what is queued now; returns how many entries were written. Once it returns,
        everything recorded before the call is in the database."""
        with self._flushing:
            return self._flush()

    def _flush(self) -> int:
        entries: list[AuditEntry] = []
        while len(entries) < self.batch:
            try:
                entries.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if not entries:
            return 0
        try:
            with self.uow_factory() as uow:
                uow.audit.record_many(entries)
                uow.commit()
        except Exception as error:  # keep them for the next round rather than lose them
            logger.warning("audit_log_write_failed", error=str(error), entries=len(entries))
            for entry in entries:
                self.record(entry)
            return 0
        return len(entries)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        while self.flush():
            pass

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            while self.flush() == self.batch:
                pass
