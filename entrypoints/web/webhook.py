"""The signed Mozello webhook: the application accepts it (verify, keep, hand to the workers);
this module only turns the outcome into an HTTP answer.

Every signed body is committed before anything is answered (an unreadable one too, with its
error, answered 400), then handed to the process's outbox (application/outbox.py). An outbox
that sends at once and is refused by the broker makes the answer 503, so Mozello retries; the
web process's relay sends after the answer, and what it cannot send the scheduler's prompt sweep
queues.

It is served by a WSGI lane in front of Flask (`WebhookLane`), not by a Flask view: the webhook
is the one route a machine calls in bursts, and Flask's request context, session interface,
URL routing, guard and response hooks cost about as much CPU as accepting the delivery itself
(docs/performance.md, "Webhook intake"). The lane does what those did for this route and
nothing else: the log context, the body's size limit, the security headers every answer carries,
JSON answers, and a logged 500 (503 for a busy database) instead of a traceback. It needs no
session and no credentials (Mozello's signature is checked against the channel's key). Every
other request goes to Flask untouched."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from http import HTTPStatus

import structlog
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wsgi import get_input_stream

from adapters.mozello.webhooks import MozelloWebhookReader
from application.errors import TransientError
from application.handlers.accept_delivery import AcceptDelivery, Outcome, accept_delivery
from entrypoints.web.context import WebContext
from entrypoints.web.headers import security_headers

logger = structlog.get_logger()

PREFIX = "/webhooks/mozello/"
READER = MozelloWebhookReader()
REFUSALS = {
    Outcome.UNKNOWN_CHANNEL: (404, "unknown channel"),
    Outcome.UNSIGNED: (401, "missing or bad X-Mozello-Hash signature"),
}


def _environ_key(header: str) -> str:
    """A request header's name in the WSGI environ (PEP 3333)."""
    key = header.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"


_KEPT = tuple((name, _environ_key(name)) for name in READER.kept_headers)  # kept with a delivery


def answer(channel_id: str, body: bytes, headers: dict[str, str],
           context: WebContext) -> tuple[int, dict]:
    """The delivery accepted, and the HTTP status and JSON body that say how."""
    command = AcceptDelivery(channel_id, body, headers)
    runtime = context.runtime
    accepted = accept_delivery(command, runtime.uow_factory(), READER, runtime.clock,
                               context.outbox)
    if accepted.outcome in REFUSALS:
        status, error = REFUSALS[accepted.outcome]
        return status, {"error": error}
    delivery = accepted.delivery
    if accepted.outcome is Outcome.UNREADABLE:
        return 400, {"error": accepted.error, "delivery_id": delivery.id}
    if accepted.outcome is Outcome.NOT_QUEUED:
        return 503, {"error": "stored, but not queued yet; please retry",
                     "delivery_id": delivery.id}
    return 200, {"received": True, "duplicate": delivery.duplicate, "delivery_id": delivery.id}


class WebhookLane:
    """`POST /webhooks/mozello/<channel_id>` answered here; any other request passed to `app`.
    `context` is the app's WebContext (its runtime and its delivery outbox); `max_body` the
    largest body taken (the app's MAX_CONTENT_LENGTH)."""

    def __init__(self, app: Callable, context: WebContext, max_body: int):
        self._app, self._context, self._max_body = app, context, max_body

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX) or "/" in path[len(PREFIX):] or path == PREFIX:
            return self._app(environ, start_response)
        # PEP 3333 hands the path over as latin-1; the channel id is UTF-8, as Flask reads it
        channel_id = path[len(PREFIX):].encode("latin-1").decode("utf-8", "replace")
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(path=path, client=environ.get("REMOTE_ADDR"),
                                               channel=channel_id)
        method = environ.get("REQUEST_METHOD")
        if method == "OPTIONS":
            return _respond(environ, start_response, 200, {}, [("Allow", "OPTIONS, POST")])
        if method != "POST":
            return _respond(environ, start_response, 405, {"error": "method not allowed"},
                            [("Allow", "OPTIONS, POST")])
        try:
            body = self._body(environ)
        except HTTPException as refused:  # too large, or the client went away mid-body
            error = (f"the body is larger than {self._max_body} bytes" if refused.code == 413
                     else refused.description or refused.name)
            return _respond(environ, start_response, refused.code or 400, {"error": error})
        headers = {name: environ[key] for name, key in _KEPT if key in environ}
        try:
            status, payload = answer(channel_id, body, headers, self._context)
        except TransientError as busy:  # the database is busy: Mozello retries later
            logger.warning("webhook_not_kept", error=str(busy))
            return _respond(environ, start_response, 503, {"error": "busy; please retry"},
                            [("Retry-After", "30")])
        except Exception:
            logger.exception("webhook_failed")
            return _respond(environ, start_response, 500, {"error": "internal error"})
        return _respond(environ, start_response, status, payload)

    def _body(self, environ: dict) -> bytes:
        """The whole body, at most `max_body` bytes: a longer one is refused (413) whether it
        says its length or comes in chunks (one byte past the limit is read to know)."""
        body = get_input_stream(environ, max_content_length=self._max_body + 1).read()
        if len(body) > self._max_body:
            raise RequestEntityTooLarge()
        return body


def _respond(environ: dict, start_response: Callable, status: int, payload: dict,
             extra: list[tuple[str, str]] | None = None) -> list[bytes]:
    """JSON as Flask's `jsonify` writes it (sorted keys, compact, a final newline)."""
    body = (json.dumps(payload, sort_keys=True, separators=(",", ":")) + "\n").encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
               *(extra or ()), *security_headers(environ.get("wsgi.url_scheme") == "https")]
    start_response(f"{status} {HTTPStatus(status).phrase.upper()}", headers)
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
