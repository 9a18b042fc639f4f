"""What a scenario did, counted where it matters — in the PayTraq sandbox and the inbox — and
the invariants: one document, payment and e-mail per order; one client per buyer; nothing lost;
no 5xx where none is allowed; settled within two minutes of the last fault.

Where PayTraq leaves the service unsure whether a write happened (a sales order's payment whose
answer was a 500: an overpayment cannot be looked up), the service asks a person instead of
guessing. The run answers as the shop's accountant would — it looks in PayTraq (the sandbox's
state) and runs `sales-inbox inbox payment ORDER_ID --booked|--not-booked` — and counts the
orders that needed it ("asked"): an order settled that way is settled, never lost."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field

from chaos.deployment import BIN, Deployment

SETTLE_WITHIN = 120.0  # seconds after the last fault
GIVE_UP_AFTER = 600.0  # stop waiting (the scenario is then reported as not settled)


@dataclass
class Outcome:
    scenario: str
    orders: int = 0
    deliveries: int = 0
    documents: int = 0
    payments: int = 0
    emails: int = 0
    clients_per_buyer: int = 0
    duplicates: int = 0
    lost: int = 0
    errors_5xx: int = 0
    asked: int = 0  # orders a person was asked about (a write PayTraq left uncertain)
    settle_seconds: float | None = None
    allowed_5xx: bool = True
    notes: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        found = []
        if self.duplicates:
            found.append(f"{self.scenario}: {self.duplicates} duplicate documents/payments/e-mails")
        if self.clients_per_buyer > 1:
            found.append(f"{self.scenario}: a buyer has {self.clients_per_buyer} PayTraq clients")
        if self.lost:
            found.append(f"{self.scenario}: {self.lost} orders lost")
        if self.errors_5xx and not self.allowed_5xx:
            found.append(f"{self.scenario}: {self.errors_5xx} answers of 5xx")
        if self.orders and (self.settle_seconds is None or self.settle_seconds > SETTLE_WITHIN):
            found.append(f"{self.scenario}: not settled within {SETTLE_WITHIN:.0f} s of the "
                         f"last fault ({self.settle_seconds})")
        return found + self.notes


def _per_order(deployment: Deployment, order_ids: set[str]) -> dict[str, tuple[int, int, int]]:
    """(documents, payments, e-mails) per order, from the PayTraq sandbox."""
    state = deployment.paytraq.state
    counts = {order_id: [0, 0, 0] for order_id in order_ids}
    with state.lock:
        for sale in state.sales.values():
            if sale.ref in counts:
                counts[sale.ref][0] += 1
                counts[sale.ref][1] += len(sale.payment_ids) + sum(
                    1 for p in state.payments.values()
                    if p.sale_id == sale.id and p.id not in sale.payment_ids)
                counts[sale.ref][2] += len(sale.messages)
    return {order_id: tuple(c) for order_id, c in counts.items()}


def _settled(deployment: Deployment, order_ids: set[str]) -> bool:
    counts = _per_order(deployment, order_ids)
    if any(c != (1, 1, 1) for c in counts.values()):
        return False
    with deployment.uow as uow:
        # done: e-mailed, and paid (status "paid" when a person settled the payment after
        # the e-mail went out: the inbox shows the last step taken)
        done = {i.order_id for i in uow.inbox.list(deployment.channel_id)
                if i.order_id in order_ids and i.emailed_at is not None
                and i.payment is not None and i.status.value in ("emailed", "paid")}
    return done == order_ids


def wait_until_settled(deployment: Deployment, order_ids: set[str], since: float,
                       outcome: Outcome) -> float | None:
    """Seconds from `since` (the last fault, as time.monotonic()) until every order is done;
    an order waiting for a person's answer gets it on the way (outcome.asked)."""
    answered: set[str] = set()
    while time.monotonic() - since < GIVE_UP_AFTER:
        if _settled(deployment, order_ids):
            return time.monotonic() - since
        answered |= answer_uncertain_writes(deployment, order_ids)
        outcome.asked = len(answered)
        time.sleep(1.0)
    return None


def answer_uncertain_writes(deployment: Deployment, order_ids: set[str]) -> set[str]:
    """What the accountant does for a `payment_uncertain` or `document_uncertain` review: look
    in PayTraq whether the payment (or a document with the order's reference) is there and say
    so with the command the review names, naming the question it asks."""
    with deployment.uow as uow:
        waiting = {item.order_id: reason for item in uow.inbox.list(deployment.channel_id)
                   if item.order_id in order_ids and item.status.value == "needs_review"
                   for reason in item.reasons
                   if reason.code.value in ("payment_uncertain", "document_uncertain")}
    if not waiting:
        return set()
    payments = _per_order(deployment, set(waiting))
    answered = set()
    for order_id, reason in waiting.items():  # a command that fails (the item moved on
        # meanwhile) is looked at again on the next round
        question = ["--question", reason.detail("question")] if reason.detail("question") else []
        if reason.code.value == "payment_uncertain":
            answer = ["payment", order_id, *question,
                      "--booked" if payments[order_id][1] else "--not-booked"]
        else:
            found = _document_id(deployment, order_id)
            answer = ["document", order_id, *question,
                      *(["--created", found] if found else ["--not-created"])]
        done = subprocess.run([str(BIN), "inbox", *answer],
                              env=deployment.processes.env, capture_output=True, timeout=120)
        if done.returncode == 0 or b"answered or tried again" in done.stderr + done.stdout:
            answered.add(order_id)  # (answered before: only the processing after it failed)
    return answered


def _document_id(deployment: Deployment, order_id: str) -> str | None:
    state = deployment.paytraq.state
    with state.lock:
        return next((sale.id for sale in state.sales.values()
                     if sale.ref == order_id and sale.status != "voided"), None)


def count(outcome: Outcome, deployment: Deployment, order_ids: set[str],
          buyers: set[str]) -> Outcome:
    per_order = _per_order(deployment, order_ids)
    outcome.orders = len(order_ids)
    outcome.documents = sum(c[0] for c in per_order.values())
    outcome.payments = sum(c[1] for c in per_order.values())
    outcome.emails = sum(c[2] for c in per_order.values())
    outcome.duplicates = sum(max(0, n - 1) for c in per_order.values() for n in c)
    outcome.lost = sum(1 for c in per_order.values() if 0 in c)
    state = deployment.paytraq.state
    with state.lock:
        clients = Counter(c.email.lower() for c in state.clients.values())
    outcome.clients_per_buyer = max((clients[b] for b in buyers), default=0)
    return outcome


COLUMNS = [("scenario", 22), ("orders", 7), ("deliveries", 10), ("documents", 9),
           ("payments", 8), ("e-mails", 7), ("clients/buyer", 13), ("duplicates", 10),
           ("lost", 5), ("5xx", 5), ("asked", 5), ("settle s", 8)]


def table(outcomes: list[Outcome]) -> str:
    header = " ".join(f"{name:>{width}}" if i else f"{name:<{width}}"
                      for i, (name, width) in enumerate(COLUMNS))
    lines = [header, "-" * len(header)]
    for o in outcomes:
        settle = "-" if not o.orders else ("never" if o.settle_seconds is None
                                           else f"{o.settle_seconds:.0f}")
        values = [o.scenario, o.orders, o.deliveries, o.documents, o.payments, o.emails,
                  o.clients_per_buyer, o.duplicates, o.lost, o.errors_5xx, o.asked, settle]
        lines.append(" ".join(f"{v:>{w}}" if i else f"{v:<{w}}"
                              for i, (v, (_, w)) in enumerate(zip(values, COLUMNS, strict=True))))
    return "\n".join(lines)
