"""The signed Mozello webhook: the application accepts it (verify, keep, hand to the workers);
this view only turns the outcome into an HTTP answer."""

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
                               web_context().enqueue_delivery)
    if accepted.outcome in REFUSALS:
        status, error = REFUSALS[accepted.outcome]
        return jsonify(error=error), status
    if accepted.outcome is Outcome.UNREADABLE:
        return jsonify(error=accepted.error), 400
    delivery = accepted.delivery
    return jsonify(received=True, duplicate=delivery.duplicate, delivery_id=delivery.id), 200
