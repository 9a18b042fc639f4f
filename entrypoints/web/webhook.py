"""The signed Mozello webhook: verify, keep the raw body, hand it to the workers.

Every signed body is stored before anything is answered (an unreadable one too, with its
error, answered 400). A delivery counts as handled only once it is on the workers' queue: when
queueing fails the answer is 503, so Mozello retries, and the retry (or the scheduler's outbox
sweep) queues the stored body (application/outbox.py)."""

from __future__ import annotations

import hashlib

import structlog
from flask import Blueprint, jsonify, request

from adapters.mozello.notifications import InvalidNotification, parse_notification
from adapters.mozello.signature import verify
from application.outbox import queue, to_queue
from application.ports import RawDelivery
from entrypoints.web.context import runtime, web_context
from entrypoints.web.intake import fingerprint

logger = structlog.get_logger()

blueprint = Blueprint("webhook", __name__)

KEPT_HEADERS = ("Content-Type", "X-Mozello-API-Version", "X-Mozello-Alias", "X-Mozello-Hash",
                "User-Agent")


def _read(delivery: RawDelivery, body: bytes) -> None:
    """Event and order id of a signed body; what makes it unreadable, if anything."""
    try:
        notification = parse_notification(body)
    except InvalidNotification as invalid:
        delivery.error = str(invalid)
    except Exception as error:  # whatever the body holds, it is kept and answered 400
        delivery.error = f"unreadable Mozello notification ({type(error).__name__})"
    else:
        delivery.event = notification.event
        delivery.order_id = notification.order_id


def _delivery(channel_id: str, body: bytes, signed: bool) -> RawDelivery:
    headers = {h: request.headers[h] for h in KEPT_HEADERS if h in request.headers}
    # an unsigned body is anybody's: only its trace is kept, never its content
    delivery = RawDelivery(
        channel_id=channel_id,
        body=body if signed else b"",
        headers=headers,
        received_at=runtime().clock.now(),
        fingerprint=fingerprint(channel_id, body) if signed else "",
    )
    if signed:
        _read(delivery, body)
    else:
        delivery.error = (
            f"missing or bad X-Mozello-Hash signature ({len(body)} bytes, sha256 "
            f"{hashlib.sha256(body).hexdigest()[:16]}…, not kept)"
        )
    return delivery


@blueprint.post("/webhooks/mozello/<channel_id>")
def mozello_webhook(channel_id: str):
    body = request.get_data(cache=False)
    structlog.contextvars.bind_contextvars(channel=channel_id)
    with runtime().uow_factory() as uow:
        if uow.channels.get(channel_id) is None:
            return jsonify(error="unknown channel"), 404
        key = uow.channels.credentials(channel_id).mozello_api_key
        signed = verify(body, request.headers.get("X-Mozello-Hash"), key)
        stored = uow.deliveries.add(_delivery(channel_id, body, signed))
        uow.commit()
        if stored.error is not None:
            status = 400 if signed else 401
            logger.warning("webhook_refused", status=status, error=stored.error)
            answer = stored.error if signed else "missing or bad X-Mozello-Hash signature"
            return jsonify(error=answer, delivery_id=stored.id if signed else None), status
        structlog.contextvars.bind_contextvars(order_id=stored.order_id)
        owed = to_queue(uow, stored)
        if owed is not None:
            try:
                queue(uow, owed, web_context().enqueue_delivery, runtime().clock)
            except Exception as error:
                logger.error("webhook_not_queued", delivery_id=owed.id, error=str(error),
                             kind=type(error).__name__)
                return jsonify(error="stored, but not queued yet; please retry",
                               delivery_id=stored.id), 503
    logger.info("webhook_received", mozello_event=stored.event, duplicate=stored.duplicate,
                delivery_id=stored.id, queued=owed.id if owed else None)
    return jsonify(received=True, duplicate=stored.duplicate, delivery_id=stored.id), 200
