"""Take one order as far as the channel's switches allow (the seed's automatic processing).

Every step with an outside effect is idempotent by a natural key: the document by DocumentRef =
Mozello order id (always asked before creating); approve/post by the status read back; the
payment by document + order id (asked whenever an earlier attempt was written down before it
was made); the e-mail by the document's message log. Replaying a message any number of times
leaves PayTraq as one delivery would, at the fewest calls PayTraq's 1 request/s allows.

A step returns True to go on, False when it stopped the run (the item then waits for a person,
its reasons committed). Adding a step is adding one line to ORDER_STEPS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from application.order_steps.document import ensure_document
from application.order_steps.email import send_email
from application.order_steps.finalise import finalise_document
from application.order_steps.payment import add_payment
from application.order_steps.run import OrderRun
from application.order_steps.sanity import check_order_sanity
from application.order_steps.totals import reconcile_totals
from application.order_steps.voided import stop_when_voided

Step = Callable[[OrderRun], bool]

ORDER_STEPS: tuple[Step, ...] = (
    check_order_sanity,  # before any PayTraq call: nothing absurd reaches the books unseen
    ensure_document,
    stop_when_voided,
    reconcile_totals,
    finalise_document,
    add_payment,
    send_email,
)


def run_order_steps(run: OrderRun, steps: Sequence[Step] = ORDER_STEPS) -> None:
    """Each step in turn until one stops the run; after the last, review or clear."""
    for step in steps:
        if not step(run):
            return
    run.finish()
