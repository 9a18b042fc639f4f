"""The audit writer's batch (audit_repository.record_many): each call's bodies stay with that
call, whatever the batch's size, and batch after batch; on SQLite a batch of several is three
statements (the ids given under the write lock), not one INSERT per call."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from application.ports import AuditEntry, CallBodies
from tests.unit.storage.examples import T0

pytestmark = pytest.mark.integration


def _call(n: int, with_bodies: bool) -> AuditEntry:
    bodies = CallBodies(query=f"page={n}", response_type="application/xml",
                        response_body=f"<Sale><DocumentID>{n}</DocumentID></Sale>")
    return AuditEntry(T0 + timedelta(seconds=n), "shop-a", "paytraq", "GET", f"sale/{n}", 200,
                      5, None, "M-1", bodies if with_bodies else None)


def _recorded(database, batches: list[list[AuditEntry]]) -> list[AuditEntry]:
    for batch in batches:
        with database.new_uow() as uow:
            uow.audit.record_many(batch)
            uow.commit()
    with database.new_uow() as uow:
        return uow.audit.for_order("shop-a", "M-1")


def test_each_calls_bodies_stay_with_it_batch_after_batch(database):
    # Given batches of several calls (some without bodies), one call alone, then several again
    batches = [[_call(0, True), _call(1, False), _call(2, True), _call(3, True)],
               [_call(4, True)],
               [_call(5, False), _call(6, True)]]
    # Then every call is listed once, in order, each with its own bodies or none
    listed = _recorded(database, batches)
    assert [entry.path for entry in listed] == [f"sale/{n}" for n in range(7)]
    for n, entry in enumerate(listed):
        if n in (1, 5):
            assert entry.bodies is None
        else:
            assert entry.bodies.query == f"page={n}"
            assert entry.bodies.response_body == f"<Sale><DocumentID>{n}</DocumentID></Sale>"


def test_a_batch_goes_in_a_fixed_number_of_statements(database):
    sent = []
    listener = lambda conn, cursor, sql, *rest: sent.append(sql.split()[0].upper())  # noqa: E731
    sa.event.listen(database.engine, "before_cursor_execute", listener)
    try:
        _recorded(database, [[_call(n, True) for n in range(5)]])
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", listener)
    written = sent[:-1]  # the last is the listing's SELECT
    if database.name == "sqlite":  # the largest id (taking the write lock), then two batches
        assert written == ["BEGIN", "SELECT", "INSERT", "INSERT"]
    else:
        assert written == ["INSERT", "INSERT"]
