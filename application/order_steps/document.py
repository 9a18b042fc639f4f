"""Step: the order's PayTraq document — the one recorded, else one PayTraq already has with the
order id as DocumentRef (adopted) — never a Draft voided to be made again (an accepted
rounding) — else a new draft for the found or created client.

PayTraq is asked for the DocumentRef only when an earlier attempt wrote down that it was about
to create the document (its answer may have been lost): a fresh order costs no look-up. Where
the look-up cannot tell, a person does (application/document_recovery.py)."""

from __future__ import annotations

import structlog

from application.clients import cached_client, find_or_create_client, holding_buyer
from application.document_recovery import earlier_document, uncertain
from application.errors import (
    ClientDataInvalid,
    LookUpUnfinished,
    PermanentError,
    SalesInboxError,
)
from application.order_steps.drafting import draft, forget_items, policy
from application.order_steps.run import OrderRun
from application.order_steps.totals import created_sale
from application.ports import SaleRecord
from application.write_ahead import CREATING_DOCUMENT
from domain.inbox import DocumentRecord
from domain.reconciliation import MatchedWithAdjustment
from domain.review import ReviewReason

logger = structlog.get_logger()


def ensure_document(run: OrderRun) -> bool:
    if run.item.document is not None:
        run.sale = run.accounting.get_sale(run.item.document.id)
        return True
    existing = earlier_document(run.accounting, run.item.steps, run.order,
                                run.item.replaced_documents(), run.sales_query_proven())
    if isinstance(existing, ReviewReason):
        return run.hold([existing])
    if existing is not None:
        _record(run, existing, adopted=True)
        return True
    try:
        client_id = _client(run)
    except ClientDataInvalid as invalid:
        return run.hold([invalid.reason])
    return _create(run, client_id)


def _client(run: OrderRun) -> str:
    """A known buyer from the shared cache (no lock needed); else found or created while
    holding the buyer's locks."""
    customer = run.order.customer
    client_id = cached_client(customer, run.clients, run.channel.id)
    if client_id:
        return client_id
    with holding_buyer(run.buyer_lock, run.channel.id, customer, run.clock):
        client_id = find_or_create_client(customer, run.accounting, run.clients, run.channel.id,
                                          run.client_query_proof)
        run.commit()  # the client cache, before the next order of this buyer looks (and
        # never a write held across the next API calls)
    return client_id


def _create(run: OrderRun, client_id: str) -> bool:
    document, problems = draft(run, client_id)
    if document is None:
        return run.hold(problems)
    result = policy(run).reconcile(run.order, document)
    if isinstance(result, MatchedWithAdjustment):
        document = document.with_adjustment(result.adjustment)
    run.declare(CREATING_DOCUMENT, ref=document.document_ref)
    try:
        sale_id = run.accounting.create_sale(document, run.sales_query_proven(),
                                             run.item.replaced_documents())
    except LookUpUnfinished as unfinished:  # the answer was lost and the look-up cannot tell
        return run.hold([uncertain(run.order, run.item.steps, str(unfinished))])
    except SalesInboxError as failed:
        run.not_sent(CREATING_DOCUMENT, failed)
        if isinstance(failed, PermanentError):  # a product or tax key changed in PayTraq:
            forget_items(run, failed)  # look it up again
        raise
    _record(run, created_sale(run, sale_id, document), adopted=False)
    return True


def _record(run: OrderRun, sale: SaleRecord, adopted: bool) -> None:
    record = DocumentRecord(sale.id, sale.ref, sale.sale_type, sale.status, sale.total, adopted)
    run.item.document_created(record, run.clock.now())
    run.commit()
    run.sale = sale
    logger.info("document_created", document_id=sale.id, adopted=adopted, total=str(sale.total))
