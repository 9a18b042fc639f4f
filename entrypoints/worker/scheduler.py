"""The scheduler: each channel's catch-up poll, its daily stock sync, the sweeper, the webhook
outbox and retention.

One active instance: in the distributed mode a Redis lock elects the leader; standby
schedulers keep trying and take over when the leader's lock expires."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog
from apscheduler.schedulers.background import BackgroundScheduler

from application.outbox import queue_unqueued
from application.retention import prune_old_records
from domain.owed_work import OwedWork
from domain.retry_schedule import due_now, untouched_since
from domain.settings import Channel, PayTraqTransport
from entrypoints.runtime import Runtime

logger = structlog.get_logger()

SWEEP_SECONDS = 20
SWEEP_LOOKBACK = timedelta(days=7)
SWEPT = "sweeper"  # the watermark: when a channel was last swept
RECORD_SWEPT_EVERY = timedelta(hours=1)
HEARTBEAT_SECONDS = 5
OUTBOX_SECONDS = 10
RETENTION_HOUR, RETENTION_MINUTE = 2, 40  # UTC, daily: a quiet hour for a Latvian shop


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
        self._swept: dict[str, datetime] = {}  # each channel's last completed sweep here
        self._recorded: dict[str, datetime] = {}  # and when this scheduler last recorded one

    def poll_all(self) -> int:
        with self.runtime.uow_factory() as uow:
            channels = [c.id for c in uow.channels.list() if c.active]
        for channel_id in channels:
            self.send_poll(channel_id)
        return len(channels)

    def sweep(self) -> int:
        """Send every order whose next attempt is due (domain/retry_schedule.py). Only the
        candidates are read — items that may still owe a step, left alone long enough for any
        to be due (a query, however large the inbox), changed since SWEEP_LOOKBACK before the
        channel's last completed sweep (`_since`)."""
        now = self.runtime.clock.now()
        sent = 0
        with self.runtime.uow_factory() as uow:
            channels = [(c, _reads_back(uow, c)) for c in uow.channels.list() if c.active]
            candidates = [(channel, reads_back, item) for channel, reads_back in channels
                          for item in uow.inbox.awaiting_work(
                              channel.id, OwedWork.of(channel.settings, reads_back),
                              untouched_since(now), self._since(uow, channel.id, now))]
        for channel, reads_back, item in candidates:
            if due_now(item, channel.settings, now, reads_back):
                self.send_process(item.channel_id, item.order_id)
                sent += 1
        self._completed([channel.id for channel, _ in channels], now)
        if sent:
            logger.info("sweeper_requeued", orders=sent)
        return sent

    def _since(self, uow, channel_id: str, now: datetime) -> datetime | None:
        """A worker dies in minutes, not weeks: items half-way through are looked at for
        SWEEP_LOOKBACK after their last change — counted back from the channel's last completed
        sweep (this scheduler's, else the one recorded by any scheduler before it). So a tick
        or a restart reads no more than a week of changes, and an outage of any length (this
        process's ticks failing, or no scheduler running) is still recovered; a channel never
        swept is looked at whatever the age (None)."""
        last = self._swept.get(channel_id) or uow.watermarks.get(channel_id, SWEPT)
        return None if last is None else min(last, now) - SWEEP_LOOKBACK

    def _completed(self, channel_ids: list[str], now: datetime) -> None:
        """A sweep sent all it found: remember it, and record it for the next scheduler at
        most once per RECORD_SWEPT_EVERY (a record that lags only widens its look back)."""
        due = [channel_id for channel_id in channel_ids if channel_id not in self._recorded
               or now - self._recorded[channel_id] >= RECORD_SWEPT_EVERY]
        if due:
            with self.runtime.uow_factory() as uow:
                for channel_id in due:
                    uow.watermarks.set(channel_id, SWEPT, now)
                uow.commit()
            self._recorded.update(dict.fromkeys(due, now))
        self._swept.update(dict.fromkeys(channel_ids, now))

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

    def prune_old_records(self) -> dict[str, int]:
        """Raw deliveries, the audit log and stock-sync results past their retention."""
        return prune_old_records(self.runtime.uow_factory(), self.runtime.clock,
                                 self.runtime.config.retention)


def _reads_back(uow, channel: Channel) -> bool:
    """Whether a Connect channel's documents are looked for over REST (its credentials given)."""
    if channel.settings.paytraq_transport is not PayTraqTransport.CONNECT:
        return False
    return uow.channels.credentials(channel.id).has_paytraq_rest


def scheduled_jobs(runtime: Runtime, actors) -> Jobs:
    """The jobs, each sending its work to the actors: catch-up polls, the sweeper's re-enqueues,
    the webhook outbox's stored deliveries never queued, and each channel's daily stock sync (due at the channel's local time, once a day)."""
    from domain.stock_sync import daily_sync_due

    def last_sync_started(channel_id: str):
        with runtime.uow_factory() as uow:
            runs = [r for r in uow.stock_runs.list(channel_id, limit=50) if not r.dry_run]
        return runs[0].started_at if runs else None

    return Jobs(
        runtime,
        send_process=lambda c, o: actors.process_order.send(c, o),
        send_poll=lambda c: actors.poll_orders.send(c),
        send_sync=lambda c: actors.sync_stock.send(c, False),
        sync_due=daily_sync_due,
        last_sync_started=last_sync_started,
        send_delivery=lambda c, d: actors.receive_delivery.send(c, d),
    )


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
    scheduler.add_job(leading(jobs.prune_old_records, "retention"), "cron", hour=RETENTION_HOUR,
                      minute=RETENTION_MINUTE, id="retention", max_instances=1, coalesce=True)
    scheduler.start()
    logger.info("scheduler_started", poll_minutes=poll_minutes)
    stopped = threading.Event()

    def stop() -> None:
        if not stopped.is_set():
            stopped.set()
            scheduler.shutdown(wait=True)
            lock.release()

    return stop
