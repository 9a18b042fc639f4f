"""Step: e-mail the final document to the buyer, at most once per document (the mailer asks
PayTraq's message log, or the sent-mail log, first)."""

from __future__ import annotations

import structlog

from application.errors import PermanentError
from application.order_steps.run import OrderRun
from domain.review import ReasonCode, ReviewReason

logger = structlog.get_logger()


def send_email(run: OrderRun) -> bool:
    if not run.item.owes(run.settings).email:
        return True
    to = run.order.customer.email.strip()
    if not to:
        run.problems.append(
            ReviewReason.of(ReasonCode.EMAIL_NOT_SENT, "the order has no e-mail address"))
        return True
    if not run.mailer.already_sent(run.item, run.sale):
        try:
            run.mailer.send_document(run.item, run.sale, to)
        except PermanentError as refused:
            run.problems.append(ReviewReason.of(
                ReasonCode.EMAIL_NOT_SENT,
                f"the document could not be e-mailed to {to}: {refused}",
                to=to,
            ))
            return True
    run.item.emailed(to, run.mailer.via, run.clock.now())  # committed by run.finish(), next:
    # no outside call comes between
    logger.info("document_emailed", via=run.mailer.via)
    return True
