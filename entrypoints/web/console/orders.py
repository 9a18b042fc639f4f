"""One order: what Mozello sent, what PayTraq holds, why they differ, and what a person can do
about it — each action confirmed first, then recorded with who did it."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from application.commands import (
    AnswerConnectCheck,
    AnswerDocumentCheck,
    AnswerPaymentCheck,
    ProcessOrder,
    RetryOrder,
)
from application.errors import SalesInboxError
from application.handlers.answer_checks import DOCUMENT_ID, open_question
from application.person_commands import AcceptRounding, IgnoreOrder, MarkHandled
from domain.review import ReasonCode
from entrypoints.web.console.actions import record
from entrypoints.web.console.i18n import ACTIONS_TITLES, CAUSE_ADVICE, CAUSE_TEXT
from entrypoints.web.console.order_view import paytraq_link, picture
from entrypoints.web.context import runtime
from entrypoints.wire_trace import render as render_trace
from entrypoints.wire_trace import take_trace

blueprint = Blueprint("orders", __name__, url_prefix="/orders")

EXPLANATIONS = {
    "process": _l("Take the order as far as the channel's settings allow, whatever the "
                  "automatic-processing switch says."),
    "retry": _l("Try the failed step again."),
    "accept_rounding": _l("The unpaid Draft is voided in PayTraq and created again with a "
                          "no-VAT rounding line, so it totals what the shop charged. Both "
                          "steps are recorded."),
    "handled": _l("You dealt with this order yourself (e.g. corrected it in PayTraq). Sales "
                  "Inbox will do nothing more for it unless you process it again."),
    "ignore": _l("Nothing is to be done for this order (a test order, a duplicate). It leaves "
                 "the list of orders needing review."),
    "payment_booked": _l("You found the payment in PayTraq: it is recorded as booked and the "
                         "order goes on. Nothing is booked again."),
    "payment_not_booked": _l("You looked in PayTraq and the payment is not there: it is booked "
                             "now, once."),
    "connect_delivered": _l("You found the order in PayTraq's Sales Inbox: it is taken as "
                            "delivered and not sent again."),
    "connect_not_delivered": _l("You looked in PayTraq's Sales Inbox and the order is not "
                                "there: it is sent again, once."),
    "document_found": _l("You found the order's document in PayTraq: enter its id (the "
                         "number at the end of its PayTraq address). It is checked to carry "
                         "this order's reference, then taken as the order's document."),
    "document_not_created": _l("You looked in PayTraq and no document has this order's "
                               "reference: it is created now, once."),
}
# A person's answer after a lost answer (the review names which, and the question it asks):
# written down, then the order is processed again and goes on from it
ANSWERS = {  # action: (the review it answers, the command, what the action says)
    "payment_booked": ("payment_uncertain", AnswerPaymentCheck, {"booked": True}),
    "payment_not_booked": ("payment_uncertain", AnswerPaymentCheck, {"booked": False}),
    "connect_delivered": ("connect_uncertain", AnswerConnectCheck, {"delivered": True}),
    "connect_not_delivered": ("connect_uncertain", AnswerConnectCheck, {"delivered": False}),
    "document_found": ("document_uncertain", AnswerDocumentCheck, {}),  # the id: the form's
    "document_not_created": ("document_uncertain", AnswerDocumentCheck, {"document_id": None}),
}


def _command(action: str, channel_id: str, order_id: str, note: str):
    by = g.user
    return {
        "process": lambda: ProcessOrder(channel_id, order_id, manual=True),
        "retry": lambda: RetryOrder(channel_id, order_id),
        "accept_rounding": lambda: AcceptRounding(channel_id, order_id, by),
        "handled": lambda: MarkHandled(channel_id, order_id, by, note),
        "ignore": lambda: IgnoreOrder(channel_id, order_id, by, note),
    }[action]()


def _load(channel_id: str, order_id: str):
    with runtime().uow_factory() as uow:
        item = uow.inbox.get(channel_id, order_id)
        channel = uow.channels.get(channel_id)
        if item is None or channel is None:
            abort(404)
        deliveries = uow.deliveries.for_order(channel_id, order_id)
        actions = uow.actions.recent(channel_id, order_id)
    return item, channel, deliveries, actions


@blueprint.get("/<channel_id>/<path:order_id>/confirm/<action>")
def confirm(channel_id: str, order_id: str, action: str):
    if action not in EXPLANATIONS:
        abort(404)
    item, channel, _d, _a = _load(channel_id, order_id)
    return render_template("confirm.html", item=item, channel=channel, action=action,
                           title=ACTIONS_TITLES[action], explanation=EXPLANATIONS[action],
                           question=request.args.get("question", "")[:20]
                           or _question(item, action))


@blueprint.post("/<channel_id>/<path:order_id>/do/<action>")
def act(channel_id: str, order_id: str, action: str):
    if action not in EXPLANATIONS:
        abort(404)
    _load(channel_id, order_id)
    if action in ANSWERS:
        return _answer(action, channel_id, order_id)
    note = request.form.get("note", "").strip()[:500]
    command = _command(action, channel_id, order_id, note)
    queued, refused = _run(command, to_workers=action == "process")
    if refused is not None:
        record(action, channel_id, order_id, f"refused: {refused}")
        flash(_("Not done: %(reason)s", reason=str(refused)), "error")
    else:
        record(action, channel_id, order_id, note)
        flash(_("Started: %(action)s. Reload the page to see the result.",
                action=ACTIONS_TITLES[action]) if queued
              else _("Done: %(action)s.", action=ACTIONS_TITLES[action]), "ok")
    return redirect(url_for("orders.detail", channel_id=channel_id, order_id=order_id))


def _run(command, to_workers: bool = True) -> tuple[bool, SalesInboxError | None]:
    """Hand `command` to the workers where there are any and `to_workers` (PayTraq allows one
    call a second: the page is not held), else handle it here; whether it was queued, and what
    refused it here."""
    dispatch = runtime().dispatch
    if to_workers and dispatch is not None and dispatch(command):
        return True, None
    try:
        runtime().bus().handle(command)
    except SalesInboxError as refused:
        return False, refused
    return False, None


def _question(item, action: str) -> str:
    """The question the order's review asks for an answer action while it is open ("" for
    other actions, or none open), sent along from the order page to the answer."""
    if action not in ANSWERS:
        return ""
    return open_question(item, ReasonCode(ANSWERS[action][0])) or ""


def _answer(action: str, channel_id: str, order_id: str):
    """Write down the person's answer (recorded with who gave it), then process the order
    from it: by the workers where there are any, else here."""
    back = redirect(url_for("orders.detail", channel_id=channel_id, order_id=order_id))
    document_id = request.form.get("document_id", "").strip()[:40]
    if action == "document_found" and not DOCUMENT_ID.fullmatch(document_id):
        flash(_("A PayTraq id is a number."), "error")
        return redirect(url_for("orders.confirm", channel_id=channel_id, order_id=order_id,
                                action=action))
    question = request.form.get("question", "").strip()[:20] or None
    _code, kind, says = ANSWERS[action]
    given = {"document_id": document_id} if kind is AnswerDocumentCheck else {}
    answer = kind(channel_id=channel_id, order_id=order_id, question=question, by=g.user,
                  **{**given, **says})
    try:
        runtime().bus().handle(answer)
    except SalesInboxError as refused:
        record(action, channel_id, order_id, f"refused: {refused}")
        flash(_("Not done: %(reason)s", reason=str(refused)), "error")
        return back
    record(action, channel_id, order_id, f"document {document_id}" if document_id else "")
    queued, refused = _run(ProcessOrder(channel_id, order_id, manual=True))
    if queued:
        flash(_("Answer recorded; the order goes on. Reload the page to see the result."), "ok")
    elif refused is not None:
        flash(_("Answer recorded; processing it: %(reason)s", reason=str(refused)), "error")
    else:
        flash(_("Done: %(action)s.", action=ACTIONS_TITLES[action]), "ok")
    return back


@blueprint.get("/<channel_id>/<path:order_id>")
def detail(channel_id: str, order_id: str):
    item, channel, deliveries, actions = _load(channel_id, order_id)
    shown = picture(item, channel, runtime().gateways)
    cause = shown.mismatch.cause.value if shown.mismatch else next(
        (r.detail("cause") for r in item.reasons if r.detail("cause")), None)
    return render_template(
        "order.html", item=item, channel=channel, deliveries=deliveries, actions=actions,
        shown=shown, paytraq_link=paytraq_link, cause=cause, question=_question,
        cause_text=CAUSE_TEXT.get(cause), cause_advice=CAUSE_ADVICE.get(cause),
        available=available_actions(item, shown))


@blueprint.get("/<channel_id>/<path:order_id>/wire-trace")
def wire_trace(channel_id: str, order_id: str):
    """The same redacted text `sales-inbox inbox trace ORDER_ID` prints, as a file to attach."""
    _load(channel_id, order_id)
    text = render_trace(take_trace(runtime(), channel_id, order_id))
    name = re.sub(r"[^A-Za-z0-9._-]", "_", order_id)
    return Response(text + "\n", mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="wire-trace-{name}.txt"'})


def available_actions(item, shown) -> list[str]:
    status = item.status.value
    if status == "cancelled":
        return []
    wanted = ["process"]
    if status == "failed":
        wanted.append("retry")
    if shown.rounding_refusal is None:
        wanted.append("accept_rounding")
    if status in ("needs_review", "failed", "received", "document_created", "approved", "paid"):
        wanted.append("handled")
    if status in ("needs_review", "failed", "received"):
        wanted.append("ignore")
    answers = [a for a in ANSWERS if _question(item, a)]  # the questions open now
    return answers + wanted
