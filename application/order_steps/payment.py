"""Step: book the paid order's payment to the mapped money account — on a sales order PayTraq
books it as the client's overpayment. Keyed by document + order id: never booked twice."""

from __future__ import annotations

import structlog

from application.order_steps.run import OrderRun
from application.ports import PaymentRequest, SaleRecord
from domain.documents import document_comment
from domain.inbox import PaymentRecord
from domain.review import ReasonCode, ReviewReason
from domain.settings import DocumentType, PaymentMapping

logger = structlog.get_logger()

ADDING_PAYMENT = "adding_payment"


def add_payment(run: OrderRun) -> bool:
    if not run.item.owes(run.settings).payment:
        return True
    method = run.order.payment_method
    mapping = run.settings.payment_mapping_for(method)
    if mapping is None:
        run.problems.append(ReviewReason.of(
            ReasonCode.UNMAPPED_PAYMENT_METHOD,
            f"payment method '{method}' has no PayTraq money account in the channel's payment "
            "settings (Apmaksu uzstādījumi); the payment was not added",
            method=method,
        ))
        return True
    sale = run.sale
    if sale.sale_type != DocumentType.SALES_ORDER and sale.is_draft:
        run.problems.append(ReviewReason.of(
            ReasonCode.PAYMENT_NEEDS_FINAL_DOCUMENT,
            f"the {sale.sale_type} is still Draft (Approve/Post is off): post it in PayTraq, "
            "then process the order again to add the payment",
        ))
        return True
    _book(run, sale, mapping)
    return True


def _book(run: OrderRun, sale: SaleRecord, mapping: PaymentMapping) -> None:
    reference = run.order.order_id
    # Only an earlier attempt can have booked it: ask PayTraq then, and never book twice.
    receipt = (run.accounting.find_payment(sale.id, reference)
               if run.declared(ADDING_PAYMENT) else None)
    if receipt is None:
        run.declare(ADDING_PAYMENT, amount=run.order.total,
                    money_account_id=mapping.money_account_id)
        receipt = run.accounting.add_payment(sale.id, PaymentRequest(
            amount=run.order.total,
            date=run.clock.now().date(),
            money_account_id=mapping.money_account_id,
            comment=document_comment(run.order),
            reference=reference,
            sale_type=sale.sale_type,
        ))
    run.item.payment_added(PaymentRecord(receipt.amount, mapping.money_account_id,
                                         receipt.overpayment, run.clock.now(), receipt.paytraq_id))
    run.commit()
    logger.info("payment_added", amount=str(receipt.amount), overpayment=receipt.overpayment)
