"""Step: book the paid order's payment to the mapped money account — on a sales order PayTraq
books it as the client's overpayment. Never booked twice: before booking, what is about to be
booked and what the document showed is written down; only then is an earlier attempt looked up
(application.payment_recovery), and what nobody can tell goes to a person."""

from __future__ import annotations

import structlog

from application.errors import SalesInboxError
from application.order_steps.run import OrderRun
from application.payment_recovery import PaymentIntent, earlier_payment, nothing_to_look_up
from application.ports import PaymentRequest, SaleRecord
from application.write_ahead import ADDING_PAYMENT
from domain.documents import document_comment
from domain.inbox import PaymentRecord
from domain.review import ReasonCode, ReviewReason
from domain.settings import DocumentType, PaymentMapping

logger = structlog.get_logger()

def add_payment(run: OrderRun) -> bool:
    booking = payment_to_book(run)
    if isinstance(booking, ReviewReason):
        run.problems.append(booking)
    elif booking is not None:
        _book(run, run.sale, booking)
    return True


def payment_to_book(run: OrderRun) -> PaymentMapping | ReviewReason | None:
    """The money account the payment goes to; why it cannot be booked; None when none is owed."""
    if not run.item.owes(run.settings).payment:
        return None
    method = run.order.payment_method
    mapping = run.settings.payment_mapping_for(method)
    if mapping is None:
        return ReviewReason.of(
            ReasonCode.UNMAPPED_PAYMENT_METHOD,
            f"payment method '{method}' has no PayTraq money account in the channel's payment "
            "settings (Apmaksu uzstādījumi); the payment was not added",
            method=method,
        )
    sale = run.sale
    if sale.sale_type != DocumentType.SALES_ORDER and sale.is_draft:
        return ReviewReason.of(
            ReasonCode.PAYMENT_NEEDS_FINAL_DOCUMENT,
            f"the {sale.sale_type} is still Draft (Approve/Post is off): post it in PayTraq, "
            "then process the order again to add the payment",
        )
    return mapping


def declared_next(run: OrderRun) -> bool:
    """Whether this step's first act will be its write-ahead commit, with no outside call
    before it: a payment to book and no earlier attempt to look for first. A step before it
    may then leave its record to that commit."""
    return (isinstance(payment_to_book(run), PaymentMapping)
            and nothing_to_look_up(run.item.steps))


def _book(run: OrderRun, sale: SaleRecord, mapping: PaymentMapping) -> None:
    reference = run.order.order_id
    receipt = earlier_payment(run.accounting, sale, run.item.steps, run.order)
    if isinstance(receipt, ReviewReason):  # nobody can tell: a person decides, the run goes on
        run.problems.append(receipt)
        return
    if receipt is None:
        intent = PaymentIntent.before(run.order.total, mapping.money_account_id, sale)
        run.declare(ADDING_PAYMENT, **intent.detail())
        try:
            receipt = run.accounting.add_payment(sale.id, PaymentRequest(
                amount=run.order.total,
                date=run.clock.now().date(),
                money_account_id=mapping.money_account_id,
                comment=document_comment(run.order),
                reference=reference,
                sale_type=sale.sale_type,
            ))
        except SalesInboxError as failed:
            run.not_sent(ADDING_PAYMENT, failed)
            raise
    run.item.payment_added(PaymentRecord(receipt.amount, mapping.money_account_id,
                                         receipt.overpayment, run.clock.now(), receipt.paytraq_id))
    run.commit()
    logger.info("payment_added", amount=str(receipt.amount), overpayment=receipt.overpayment)
