"""The inbox (home page): every channel's orders, newest first, with filters and counts."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from application.inbox_listing import Cursor, InboxQuery
from domain.inbox import InboxStatus
from entrypoints.web.context import runtime

blueprint = Blueprint("inbox", __name__)
PAGE_SIZE = 50
RIGA = ZoneInfo("Europe/Riga")


def _day(text: str, errors: dict, field: str, next_day: bool = False) -> datetime | None:
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        errors[field] = _("Enter a date as YYYY-MM-DD.")
        return None
    return datetime.combine(day + timedelta(days=1 if next_day else 0), time(), RIGA)


def query_from(args) -> tuple[InboxQuery, dict]:
    """The filters as the person set them (dates are whole days in Riga time)."""
    errors: dict[str, str] = {}
    status = None
    if args.get("status"):
        try:
            status = InboxStatus(args["status"])
        except ValueError:
            errors["status"] = _("Unknown status.")
    query = InboxQuery(
        channel_id=args.get("channel") or None,
        status=status,
        received_from=_day(args.get("from", ""), errors, "from"),
        received_to=_day(args.get("to", ""), errors, "to", next_day=True),
        text=args.get("q", "").strip()[:200],
    )
    return query, errors


@blueprint.get("/")
def index():
    query, errors = query_from(request.args)
    after = None
    if request.args.get("after"):
        try:
            after = Cursor.decode(request.args["after"])
        except ValueError:
            errors["after"] = _("That page no longer exists; showing the first page.")
    with runtime().uow_factory() as uow:
        channels = {c.id: c for c in uow.channels.list()}
        page = uow.inbox.page(query, PAGE_SIZE, after=after)
        counts = uow.inbox.count_by_status(query)
    filters = {k: v for k, v in request.args.items() if k != "after" and v}
    return render_template("inbox.html", page=page, counts=counts, channels=channels,
                           filters=filters, errors=errors, statuses=list(InboxStatus),
                           total=sum(counts.values()))
