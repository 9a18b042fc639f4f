"""Step: approve (orders, pro-formas) or post (invoices, receipts) the draft when the channel
says so; a document finalised in PayTraq by a person is recorded as such. The record is
committed before any later outside call: at once, or by the payment's write-ahead commit when
that comes next with no call between (a crash before it loses only the record; the next run
reads the status back and finds the document final, with no second approve/post)."""

from __future__ import annotations

from dataclasses import replace

from application.order_steps.payment import declared_next
from application.order_steps.run import OrderRun
from domain.sale_status import is_posted_type, status_when_finalised


def finalise_document(run: OrderRun) -> bool:
    sale, item = run.sale, run.item
    if sale.is_draft and item.owes(run.settings).finalise:
        if is_posted_type(sale.sale_type):
            run.accounting.post_sale(sale.id)
        else:
            run.accounting.approve_sale(sale.id)
        sale = run.sale = replace(sale, status=status_when_finalised(sale.sale_type))
    if not sale.is_draft and not sale.is_voided and not item.is_finalised:
        item.document_finalised(sale.status, run.clock.now())
        if not declared_next(run):  # else the payment's write-ahead commit, next, carries it
            run.commit()
    return True
