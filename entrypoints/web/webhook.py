"""The signed Mozello webhook: verify, keep the raw body, hand it to the workers."""

from __future__ import annotations

import hashlib

import structlog
from flask import Blueprint, jsonify, request

from adapters.mozello.notifications import InvalidNotification, parse_notification
from adapters.mozello.signature import verify
from application.ports import RawDelivery
from entrypoints.web.context import runtime, web_context
from entrypoints.web.intake import fingerprint

logger = structlog.get_logger()

blueprint = Blueprint("webhook", __name__)

KEPT_HEADERS = ("Content-Type", "X-Mozello-API-Version", "X-Mozello-Alias", "X-Mozello-Hash",
                "User-Agent")


@blueprint.post("/webhooks/mozello/<channel_id>")
def mozello_webhook(channel_id: str):
    body = request.get_data(cache=False)
    headers = {h: request.headers[h] for h in KEPT_HEADERS if h in request.headers}
    structlog.contextvars.bind_contextvars(channel=channel_id)
    with runtime().uow_factory() as uow:
        channel = uow.channels.get(channel_id)
        if channel is None:
            return jsonify(error="unknown channel"), 404
        key = uow.channels.credentials(channel_id).mozello_api_key
        signed = verify(body, request.headers.get("X-Mozello-Hash"), key)
        # an unsigned body is anybody's: only its trace is kept, never its content
        delivery = RawDelivery(
            channel_id=channel_id,
            body=body if signed else b"",
            headers=headers,
            received_at=runtime().clock.now(),
            fingerprint=fingerprint(channel_id, body) if signed else "",
        )
        status, answer = 200, {}
        if not signed:
            delivery.error = (
                f"missing or bad X-Mozello-Hash signature ({len(body)} bytes, sha256 "
                f"{hashlib.sha256(body).hexdigest()[:16]}…, not kept)"
            )
            status, answer = 401, {"error": "missing or bad X-Mozello-Hash signature"}
        else:
            try:
                notification = parse_notification(body)
                delivery.event = notification.event
                delivery.order_id = notification.order_id
            except InvalidNotification as invalid:
                delivery.error = str(invalid)
                status, answer = 400, {"error": delivery.error}
        stored = uow.deliveries.add(delivery)
        uow.commit()
    if status != 200:
        logger.warning("webhook_refused", status=status, error=delivery.error)
        return jsonify(answer), status
    structlog.contextvars.bind_contextvars(order_id=stored.order_id)
    if not stored.duplicate:
        web_context().enqueue_delivery(channel_id, stored.id)
    logger.info("webhook_received", mozello_event=stored.event, duplicate=stored.duplicate,
                delivery_id=stored.id)
    return jsonify(received=True, duplicate=stored.duplicate, delivery_id=stored.id), 200
