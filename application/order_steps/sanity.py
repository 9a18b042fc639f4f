"""Step: an order no real shop would send (a negative price, a quantity of zero or less, an
absurd total, a foreign currency) is held for a person before PayTraq hears of it
(domain/order_sanity.py)."""

from __future__ import annotations

from application.order_steps.run import OrderRun
from domain.order_sanity import order_sanity_problems


def check_order_sanity(run: OrderRun) -> bool:
    problems = order_sanity_problems(run.order, run.settings)
    return run.hold(problems) if problems else True
