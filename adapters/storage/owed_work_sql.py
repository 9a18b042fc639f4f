"""domain.owed_work.OwedWork said in SQL: which inbox rows the sweeper reads. One clause per kind
of item, each narrow enough for an index (status first; for the Connect orders whose document is
looked for, the partial index on the time of their next visit) to answer it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from adapters.storage.column_types import UtcDateTime
from adapters.storage.tables import inbox_items
from domain.inbox import InboxStatus
from domain.orders import PaymentStatus
from domain.owed_work import OwedWork

c = inbox_items.c


def owed_work_clauses(owed: OwedWork, progress_since: datetime | None,
                      revisits_due_by: datetime | None = None) -> list[sa.ColumnElement]:
    clauses = [sa.and_(c.status == InboxStatus.FAILED.value, c.error_transient.is_(True))]
    if owed.revisits:  # revisit_at is next_revisit_at(item), written with the row
        due = [c.revisit_at.is_not(None)]
        if revisits_due_by is not None:
            due.append(c.revisit_at <= sa.literal(revisits_due_by, UtcDateTime))
        clauses.append(sa.and_(*due))
    if InboxStatus.RECEIVED in owed.waiting:
        clauses.append(sa.and_(c.status == InboxStatus.RECEIVED.value, _released(owed)))
    others = owed.waiting - {InboxStatus.RECEIVED}
    if others:
        clauses.append(c.status.in_([s.value for s in others]))
    if owed.any_progress:
        clauses.append(_half_way(owed, progress_since))
    return clauses


def _half_way(owed: OwedWork, progress_since: datetime | None) -> sa.ColumnElement[bool]:
    missing = [column for column, asked in ((c.finalised_at.is_(None), owed.unfinalised),
                                            (_json_null(c.payment), owed.unpaid),
                                            (c.emailed_at.is_(None), owed.unemailed)) if asked]
    progress = [c.status.in_([s.value for s in owed.progress]), sa.or_(*missing)]
    if progress_since is not None:  # a progress step always sets updated_at
        progress.append(c.updated_at >= sa.literal(progress_since, UtcDateTime))
    return sa.and_(*progress)


def _released(owed: OwedWork) -> sa.ColumnElement[bool]:
    """OwedWork.released on the order's JSON (SQLite json_extract, PostgreSQL ->>)."""
    order = c.order
    paid = order["payment_status"].as_string() == PaymentStatus.PAID.value
    method = order["payment_method"].as_string()
    exceptions = sorted(owed.trigger_exceptions)
    if owed.received_by_default:
        return sa.or_(paid, method.not_in(exceptions)) if exceptions else sa.true()
    return sa.or_(paid, method.in_(exceptions)) if exceptions else paid


def _json_null(column: sa.Column) -> sa.ColumnElement[bool]:
    """A JSON column holding nothing: SQL NULL, or the JSON `null` that None is stored as."""
    return sa.or_(column.is_(None), sa.cast(column, sa.Text) == "null")
