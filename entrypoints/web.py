"""The web app: the signed Mozello webhook, a JSON API, /healthz and /metrics."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter

import structlog
from flask import Flask, jsonify, request

from adapters.mozello.notifications import InvalidNotification, parse_notification
from adapters.mozello.signature import verify
from application.commands import ProcessOrder, RetryOrder
from application.errors import SalesInboxError
from application.ports import RawDelivery
from application.stock_commands import SyncStock
from domain.inbox import InboxStatus
from entrypoints.broker import counters_for
from entrypoints.intake import fingerprint
from entrypoints.metrics import exposition
from entrypoints.runtime import Runtime
from entrypoints.views import channel_view, item_detail, item_summary, run_view

logger = structlog.get_logger()

MAX_BODY = 2 * 1024 * 1024
KEPT_HEADERS = ("Content-Type", "X-Mozello-API-Version", "X-Mozello-Alias", "X-Mozello-Hash",
                "User-Agent")


def create_app(runtime: Runtime, enqueue_delivery) -> Flask:
    """`enqueue_delivery(channel_id, delivery_id)` hands a stored delivery to the workers."""
    app = Flask("sales_inbox")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY

    @app.before_request
    def bind_request():
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(path=request.path)
        token = runtime.config.api_token
        if token and request.path.startswith(("/api/", "/metrics")):
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return jsonify(error="missing or wrong API token"), 401
        return None

    @app.post("/webhooks/mozello/<channel_id>")
    def mozello_webhook(channel_id: str):
        body = request.get_data(cache=False)
        headers = {h: request.headers[h] for h in KEPT_HEADERS if h in request.headers}
        structlog.contextvars.bind_contextvars(channel=channel_id)
        with runtime.uow_factory() as uow:
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
                received_at=runtime.clock.now(),
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
            enqueue_delivery(channel_id, stored.id)
        logger.info("webhook_received", mozello_event=stored.event, duplicate=stored.duplicate,
                    delivery_id=stored.id)
        return jsonify(received=True, duplicate=stored.duplicate, delivery_id=stored.id), 200

    @app.get("/healthz")
    def healthz():
        with runtime.uow_factory() as uow:
            channels = len(uow.channels.list())
        return jsonify(status="ok", channels=channels, mode="embedded" if runtime.config.embedded
                       else "distributed")

    @app.get("/metrics")
    def metrics():
        with runtime.uow_factory() as uow:
            items = uow.inbox.list()
        counts = Counter((i.channel_id, i.status.value) for i in items)
        lines = ["# HELP sales_inbox_items Inbox items by channel and status",
                 "# TYPE sales_inbox_items gauge"]
        for (channel, status), count in sorted(counts.items()):
            lines.append(f'sales_inbox_items{{channel="{channel}",status="{status}"}} {count}')
        lines += exposition(counters_for(runtime.config.redis_url))
        return "\n".join(lines) + "\n", 200, {"Content-Type": "text/plain; version=0.0.4"}

    @app.get("/api/channels")
    def channels():
        with runtime.uow_factory() as uow:
            return jsonify([channel_view(c, uow.channels.credentials(c.id))
                            for c in uow.channels.list()])

    @app.get("/api/channels/<channel_id>")
    def channel(channel_id: str):
        with runtime.uow_factory() as uow:
            found = uow.channels.get(channel_id)
            if found is None:
                return jsonify(error="unknown channel"), 404
            return jsonify(channel_view(found, uow.channels.credentials(channel_id)))

    @app.get("/api/inbox")
    def inbox():
        status = request.args.get("status")
        try:
            wanted = InboxStatus(status) if status else None
        except ValueError:
            return jsonify(error=f"unknown status {status!r}"), 400
        with runtime.uow_factory() as uow:
            items = uow.inbox.list(request.args.get("channel"), wanted)
        return jsonify([item_summary(i) for i in items])

    @app.get("/api/inbox/<channel_id>/<order_id>")
    def inbox_item(channel_id: str, order_id: str):
        with runtime.uow_factory() as uow:
            item = uow.inbox.get(channel_id, order_id)
        if item is None:
            return jsonify(error="unknown order"), 404
        return jsonify(item_detail(item))

    @app.post("/api/inbox/<channel_id>/<order_id>/process")
    def process(channel_id: str, order_id: str):
        return _run(ProcessOrder(channel_id, order_id, manual=True), channel_id, order_id)

    @app.post("/api/inbox/<channel_id>/<order_id>/retry")
    def retry(channel_id: str, order_id: str):
        return _run(RetryOrder(channel_id, order_id), channel_id, order_id)

    @app.post("/api/channels/<channel_id>/sync")
    def sync(channel_id: str):
        """The "Sinhronizēt" button: queue a stock sync (`?dry_run=1` writes nothing)."""
        with runtime.uow_factory() as uow:
            if uow.channels.get(channel_id) is None:
                return jsonify(error="unknown channel"), 404
        dry_run = request.args.get("dry_run", "").lower() in ("1", "true", "yes")
        command = SyncStock(channel_id, dry_run)
        if runtime.dispatch is not None and runtime.dispatch(command):
            return jsonify(queued=True, dry_run=dry_run), 202
        runtime.bus().handle(command)
        with runtime.uow_factory() as uow:
            run = uow.stock_runs.latest(channel_id)
            return jsonify(run_view(run, uow.stock_runs.results(run.id))), 200

    @app.get("/api/channels/<channel_id>/sync")
    def sync_runs(channel_id: str):
        with runtime.uow_factory() as uow:
            runs = uow.stock_runs.list(channel_id)
        return jsonify([run_view(r) for r in runs])

    @app.get("/api/channels/<channel_id>/catalogue")
    def catalogue(channel_id: str):
        """The Mozello catalogue as the product webhooks last described it."""
        with runtime.uow_factory() as uow:
            products = uow.catalogue.list(channel_id)
        return jsonify([{"handle": p.handle, "sku": p.sku, "stock": p.stock,
                         "modified_at": p.modified_at, "product": p.data} for p in products])

    def _run(command, channel_id: str, order_id: str):
        try:
            runtime.bus().handle(command)
        except SalesInboxError as error:
            return jsonify(error=str(error)), 409
        with runtime.uow_factory() as uow:
            item = uow.inbox.get(channel_id, order_id)
        return jsonify(item_detail(item) if item else {}), 200

    return app
