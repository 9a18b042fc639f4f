"""Step: a voided document ends automatic work on the order; a person decides what stands."""

from __future__ import annotations

from application.order_steps.run import OrderRun
from domain.review import ReasonCode, ReviewReason


def stop_when_voided(run: OrderRun) -> bool:
    if not run.sale.is_voided:
        return True
    return run.hold([
        ReviewReason.of(
            ReasonCode.DOCUMENT_VOIDED,
            f"PayTraq document {run.sale.id} of this order is voided: nothing more is done "
            "automatically; book the sale in PayTraq by hand if it still stands",
            document_id=run.sale.id,
        )
    ])
