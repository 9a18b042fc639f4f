"""The scenarios: a burst of orders, and the same burst with one kind of fault in the middle.
Each places its own orders (its own buyers), injects its fault, waits for the service to settle
and counts what happened."""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass

from chaos.controls import Controls, buyers_for, fives
from chaos.deployment import Deployment
from chaos.fuzz import send_fuzz
from chaos.measure import Outcome, count, wait_until_settled


@dataclass(frozen=True)
class Size:
    orders: int
    fuzz: int

    @classmethod
    def full(cls) -> Size:
        return cls(orders=500, fuzz=5000)

    @classmethod
    def small(cls) -> Size:
        return cls(orders=8, fuzz=150)


def _burst(deployment: Deployment, controls: Controls, name: str, orders: int,
           fault=None, after=None) -> Outcome:
    """Place the orders — `fault()` after the first half, `after()` once all are placed (each
    returns when its fault ended) — and count once settled."""
    before = controls.webhook_report()
    buyers = buyers_for(name, orders)
    half = len(buyers) // 2
    placed = controls.place_many(buyers[:half])
    last_fault = fault() if fault is not None else 0.0
    placed += controls.place_many(buyers[half:])
    last_fault = after() if after is not None else last_fault
    since = max(last_fault, time.monotonic())
    outcome = Outcome(name)
    outcome.settle_seconds = wait_until_settled(deployment, set(placed), since, outcome)
    after = controls.webhook_report()
    outcome.deliveries = after["attempts"] - before["attempts"]
    outcome.errors_5xx = fives(before, after)
    return count(outcome, deployment, set(placed), set(buyers))


def burst(deployment: Deployment, controls: Controls, size: Size) -> Outcome:
    return _burst(deployment, controls, "burst", size.orders)


def killed_workers(deployment: Deployment, controls: Controls, size: Size) -> Outcome:
    """Mid-burst: one worker SIGKILLed, the other's process group sent SIGTERM; both replaced."""
    def fault() -> float:
        processes = deployment.processes
        processes.signal_group("worker-a", signal.SIGKILL)
        processes.signal_group("worker-b", signal.SIGTERM)
        graceful = processes.running["worker-b"].wait(timeout=300)
        processes.running["worker-a"].wait(timeout=30)
        deployment.start_worker("worker-a")
        deployment.start_worker("worker-b")
        if graceful != 0:
            outcome_notes.append(f"worker-b stopped by SIGTERM exited {graceful}, not 0")
        return time.monotonic()

    outcome_notes: list[str] = []
    outcome = _burst(deployment, controls, "worker kill/term", size.orders, fault)
    outcome.notes += outcome_notes
    return outcome


def redis_restart(deployment: Deployment, controls: Controls, size: Size) -> Outcome:
    def fault() -> float:
        deployment.redis.restart(down_seconds=2.0)
        return time.monotonic()

    return _burst(deployment, controls, "redis restart", size.orders, fault)


def paytraq_faults(deployment: Deployment, controls: Controls, size: Size) -> Outcome:
    """15 % of PayTraq's answers go wrong (429, 500, slow 504, lost after a write) while the
    burst is placed and processed for a while; then PayTraq behaves again."""
    controls.paytraq_faults(0.15)

    def faults_for_a_while() -> float:
        time.sleep(min(30.0, 5.0 + size.orders / 20))
        controls.no_paytraq_faults()
        return time.monotonic()

    try:
        return _burst(deployment, controls, "paytraq faults 15%", size.orders,
                      after=faults_for_a_while)
    finally:
        controls.no_paytraq_faults()


def dropped_webhooks(deployment: Deployment, controls: Controls, size: Size) -> Outcome:
    """Mozello loses 10 % of its notifications: the catch-up poll must find those orders."""
    controls.webhooks(drop_rate=0.1)

    def stop_dropping() -> float:
        controls.webhooks(drop_rate=0.0)
        return time.monotonic()

    try:
        return _burst(deployment, controls, "webhooks dropped 10%", size.orders,
                      after=stop_dropping)
    finally:
        controls.webhooks(drop_rate=0.0)


def fuzzed_webhooks(deployment: Deployment, controls: Controls, size: Size) -> Outcome:
    url = f"{deployment.web_url}/webhooks/mozello/{deployment.channel_id}"
    answers = send_fuzz(url, controls.mozello_key, size.fuzz)
    outcome = Outcome("fuzzed webhooks", deliveries=sum(answers.values()), allowed_5xx=False)
    outcome.errors_5xx = sum(n for status, n in answers.items() if status >= 500)
    outcome.notes += [] if outcome.errors_5xx == 0 else [f"fuzz answers: {dict(answers)}"]
    return outcome


SCENARIOS = [burst, killed_workers, redis_restart, paytraq_faults, dropped_webhooks,
             fuzzed_webhooks]
