"""The signed Mozello webhook: the application accepts it (verify, keep, hand to the workers);
this view only turns the outcome into an HTTP answer.

Every signed body is committed before anything is answered (an unreadable one too, with its
error, answered 400), then handed to the process's outbox (application/outbox.py). An outbox
that sends at once and is refused by the broker makes the answer 503, so Mozello retries; the
web process's relay sends after the answer, and what it cannot send the scheduler's prompt sweep
queues."""

from __future__ import annotations

import structlog
from flask import Blueprint, jsonify, request

from adapters.mozello.webhooks import MozelloWebhookReader
from application.handlers.accept_delivery import AcceptDelivery, Outcome, accept_delivery
from entrypoints.web.context import runtime, web_context

blueprint = Blueprint("webhook", __name__)

READER = MozelloWebhookReader()
REFUSALS = {
    Outcome.UNKNOWN_CHANNEL: (404, "unknown channel"),
    Outcome.UNSIGNED: (401, "missing or bad X-Mozello-Hash signature"),
}


@blueprint.post("/webhooks/mozello/<channel_id>")
def mozello_webhook(channel_id: str):
    structlog.contextvars.bind_contextvars(channel=channel_id)
    headers = {h: request.headers[h] for h in READER.kept_headers if h in request.headers}
    command = AcceptDelivery(channel_id, request.get_data(cache=False), headers)
    accepted = accept_delivery(command, runtime().uow_factory(), READER, runtime().clock,
                               web_context().outbox)
    if accepted.outcome in REFUSALS:
        status, error = REFUSALS[accepted.outcome]
        return jsonify(error=error), status
    delivery = accepted.delivery
    if accepted.outcome is Outcome.UNREADABLE:
        return jsonify(error=accepted.error, delivery_id=delivery.id), 400
    if accepted.outcome is Outcome.NOT_QUEUED:
        return jsonify(error="stored, but not queued yet; please retry",
                       delivery_id=delivery.id), 503
    return jsonify(received=True, duplicate=delivery.duplicate, delivery_id=delivery.id), 200
