"""The scheduler: each channel's catch-up poll, its daily stock sync, and the sweeper.

One active instance: in the distributed mode a Redis lock elects the leader; standby
schedulers keep trying and take over when the leader's lock expires."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import structlog
from apscheduler.schedulers.background import BackgroundScheduler

from application.outbox import queue_unqueued
from domain.retry_schedule import next_attempt_at
from entrypoints.runtime import Runtime

logger = structlog.get_logger()

SWEEP_SECONDS = 20
HEARTBEAT_SECONDS = 5
OUTBOX_SECONDS = 10


class LeaderLock:
    """SET NX with a TTL, renewed by the holder; without Redis this process always leads."""

    def __init__(self, redis_client=None, key: str = "sales-inbox:scheduler", ttl: int = 30):
        self.redis, self.key, self.ttl = redis_client, key, ttl
        self.token = uuid.uuid4().hex

    def hold(self) -> bool:
        if self.redis is None:
            return True
        if self.redis.set(self.key, self.token, nx=True, ex=self.ttl):
            return True
        current = self.redis.get(self.key)
        if current is not None and current.decode() == self.token:
            self.redis.expire(self.key, self.ttl)
            return True
        return False

    def release(self) -> None:
        if self.redis is not None:
            current = self.redis.get(self.key)
            if current is not None and current.decode() == self.token:
                self.redis.delete(self.key)


class Jobs:
    """What the scheduler does, separated from APScheduler so tests can call it directly."""

    def __init__(self, runtime: Runtime, send_process: Callable[[str, str], None],
                 send_poll: Callable[[str], None],
                 send_sync: Callable[[str], None] | None = None,
                 sync_due: Callable | None = None,
                 last_sync_started: Callable | None = None,
                 send_delivery: Callable[[str, str], None] | None = None):
        self.runtime = runtime
        self.send_delivery = send_delivery
        self.send_process, self.send_poll, self.send_sync = send_process, send_poll, send_sync
        self.sync_due, self.last_sync_started = sync_due, last_sync_started

    def poll_all(self) -> int:
        with self.runtime.uow_factory() as uow:
            channels = [c.id for c in uow.channels.list() if c.active]
        for channel_id in channels:
            self.send_poll(channel_id)
        return len(channels)

    def sweep(self) -> int:
        """Send every order whose next attempt is due (domain/retry_schedule.py)."""
        now = self.runtime.clock.now()
        sent = 0
        with self.runtime.uow_factory() as uow:
            channels = {c.id: c for c in uow.channels.list() if c.active}
            items = uow.inbox.list()
        for item in items:
            channel = channels.get(item.channel_id)
            due = next_attempt_at(item, channel.settings) if channel is not None else None
            if due is not None and due <= now:
                self.send_process(item.channel_id, item.order_id)
                sent += 1
        if sent:
            logger.info("sweeper_requeued", orders=sent)
        return sent

    def queue_deliveries(self) -> int:
        """The webhook outbox: queue stored deliveries that never reached the workers."""
        if self.send_delivery is None:
            return 0
        return queue_unqueued(self.runtime.uow_factory, self.send_delivery, self.runtime.clock)

    def daily_sync(self) -> int:
        if self.send_sync is None or self.sync_due is None:
            return 0
        now = self.runtime.clock.now()
        started = 0
        with self.runtime.uow_factory() as uow:
            channels = [c for c in uow.channels.list() if c.active]
        for channel in channels:
            last = self.last_sync_started(channel.id) if self.last_sync_started else None
            if self.sync_due(channel.settings.stock_sync, last, now):
                self.send_sync(channel.id)
                started += 1
        return started


def start_scheduler(runtime: Runtime, jobs: Jobs, poll_minutes: int) -> Callable[[], None]:
    """Start the background scheduler; returns a function that stops it."""
    lock = LeaderLock(runtime.redis)
    scheduler = BackgroundScheduler(timezone="UTC")

    def leading(job: Callable[[], object], name: str) -> Callable[[], None]:
        def run() -> None:
            if not lock.hold():
                return
            try:
                job()
            except Exception as error:  # a failed tick must not stop the scheduler
                logger.error("scheduled_job_failed", job=name, error=str(error))

        return run

    leader = {"now": lock.hold()}
    logger.info("scheduler_leading" if leader["now"] else "scheduler_standing_by")

    def heartbeat() -> None:
        """Renew the lease (or take it over when the leader is gone)."""
        leads = lock.hold()
        if leads != leader["now"]:
            logger.info("scheduler_leading" if leads else "scheduler_standing_by")
            leader["now"] = leads

    scheduler.add_job(heartbeat, "interval", seconds=HEARTBEAT_SECONDS, id="heartbeat",
                      max_instances=1, coalesce=True)
    scheduler.add_job(leading(jobs.poll_all, "poll"), "interval", minutes=poll_minutes,
                      id="poll", max_instances=1, coalesce=True)
    scheduler.add_job(leading(jobs.sweep, "sweep"), "interval", seconds=SWEEP_SECONDS, id="sweep",
                      max_instances=1, coalesce=True)
    scheduler.add_job(leading(jobs.queue_deliveries, "outbox"), "interval", seconds=OUTBOX_SECONDS,
                      id="outbox", max_instances=1, coalesce=True)
    scheduler.add_job(leading(jobs.daily_sync, "daily_sync"), "interval", minutes=1,
                      id="daily_sync", max_instances=1, coalesce=True)
    scheduler.start()
    logger.info("scheduler_started", poll_minutes=poll_minutes)
    stopped = threading.Event()

    def stop() -> None:
        if not stopped.is_set():
            stopped.set()
            scheduler.shutdown(wait=True)
            lock.release()

    return stop
