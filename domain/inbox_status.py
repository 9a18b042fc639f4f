"""An inbox item's status, and which status may follow which."""

from __future__ import annotations

from enum import StrEnum


class InboxStatus(StrEnum):
    RECEIVED = "received"
    SENT = "sent"  # handed to PayTraq Connect: PayTraq's own Sales Inbox makes the document
    DOCUMENT_CREATED = "document_created"
    APPROVED = "approved"
    PAID = "paid"
    EMAILED = "emailed"
    NEEDS_REVIEW = "needs_review"
    FAILED = "failed"
    CANCELLED = "cancelled"
    HANDLED = "handled"  # a person handled it by hand (e.g. corrected in PayTraq)
    IGNORED = "ignored"  # a person decided nothing is to be done


S = InboxStatus
_PROGRESS = {S.SENT, S.DOCUMENT_CREATED, S.APPROVED, S.PAID, S.EMAILED}
CLOSED_BY_PERSON = frozenset({S.HANDLED, S.IGNORED})  # "process now" opens them again
ALLOWED: dict[InboxStatus, frozenset[InboxStatus]] = {
    S.RECEIVED: frozenset({S.SENT, S.DOCUMENT_CREATED, S.NEEDS_REVIEW, S.FAILED, S.CANCELLED,
                           *CLOSED_BY_PERSON}),
    S.SENT: frozenset({S.DOCUMENT_CREATED, S.APPROVED, S.PAID, S.EMAILED, S.NEEDS_REVIEW,
                       S.FAILED, S.CANCELLED, S.HANDLED}),
    S.DOCUMENT_CREATED: frozenset({S.APPROVED, S.PAID, S.EMAILED, S.NEEDS_REVIEW, S.FAILED,
                                   S.CANCELLED, S.HANDLED}),
    S.APPROVED: frozenset({S.PAID, S.EMAILED, S.NEEDS_REVIEW, S.FAILED, S.CANCELLED, S.HANDLED}),
    S.PAID: frozenset({S.APPROVED, S.EMAILED, S.NEEDS_REVIEW, S.FAILED, S.CANCELLED, S.HANDLED}),
    S.EMAILED: frozenset({S.PAID, S.NEEDS_REVIEW, S.FAILED, S.CANCELLED}),
    S.NEEDS_REVIEW: frozenset({S.RECEIVED, *_PROGRESS, S.NEEDS_REVIEW, S.FAILED, S.CANCELLED,
                               *CLOSED_BY_PERSON}),
    S.FAILED: frozenset({S.RECEIVED, *_PROGRESS, S.NEEDS_REVIEW, S.FAILED, S.CANCELLED,
                         *CLOSED_BY_PERSON}),
    S.CANCELLED: frozenset(),
    S.HANDLED: frozenset({S.RECEIVED, *_PROGRESS, S.CANCELLED}),
    S.IGNORED: frozenset({S.RECEIVED, *_PROGRESS, S.CANCELLED}),
}
