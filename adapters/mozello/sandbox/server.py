"""A faithful local Mozello Store API (spec §7), as a Flask app, plus a convenience wrapper that
runs it on 127.0.0.1 with a storefront and a webhook sender for tests, the demo and the CLI."""

from __future__ import annotations

import threading
import time
from collections import deque
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request

from adapters.mozello import wire
from adapters.mozello.sandbox.listing import page_of
from adapters.mozello.sandbox.store import (
    EVENTS,
    CallRecord,
    MozelloSandboxState,
    SandboxRefusal,
)
from adapters.mozello.sandbox.storefront import Storefront
from adapters.mozello.sandbox.webhooks import WebhookOutbox
from adapters.sandbox_wsgi import KeepAliveServer, RunningServer, serve_in_thread

SEED_PATH = Path(__file__).with_name("seed.json")
WEBHOOK_KNOBS = {"delay": float, "duplicates": int, "drop": bool, "drop_rate": float,
                 "max_copies": int, "shuffle": bool, "max_attempts": int,
                 "retry_backoff": float}


def _json(payload: Any, status: int = 200) -> Response:
    return Response(wire.encode(payload, php_style=True), status, mimetype="application/json")


def _error(status: int, message: str) -> Response:
    return _json({"error": True, "error_code": status, "error_message": message}, status)


class _RateGuard:
    """About 5 requests a second (token bucket) and a 60 s block above 300 a minute (M6).
    "About": a request arriving up to a quarter token early (network jitter) still passes, so
    a client pacing itself at exactly 5/s is not refused for latency it does not control."""

    JITTER = 0.25

    def __init__(self, state: MozelloSandboxState):
        self.state = state
        self._tokens: float | None = None
        self._stamp = time.monotonic()
        self._minute: deque[float] = deque()
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    def allows(self) -> bool:
        policy = self.state.rate_limit
        if not policy.enabled:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._blocked_until:
                return False
            while self._minute and self._minute[0] <= now - 60:
                self._minute.popleft()
            if len(self._minute) >= policy.per_minute:
                self._blocked_until = now + policy.block_seconds
                self._minute.clear()
                return False
            tokens = policy.burst if self._tokens is None else self._tokens
            tokens = min(policy.burst, tokens + (now - self._stamp) * policy.per_second)
            self._stamp = now
            if tokens < 1 - self.JITTER:
                self._tokens = tokens
                return False
            self._tokens = tokens - 1
            self._minute.append(now)
            return True


def _body() -> Any:
    raw = request.get_data()
    if not raw.strip():
        return {}
    try:
        return wire.decode(raw)
    except ValueError:
        raise SandboxRefusal(400, "Request body is not valid JSON") from None


def _wrapped(state: MozelloSandboxState, key: str, data: dict) -> dict:
    return {"error": False, key: data} if state.wrap_responses else data


def create_app(state: MozelloSandboxState, outbox: WebhookOutbox | None = None) -> Flask:
    app = Flask("mozello_sandbox")
    storefront = Storefront(state)
    guard = _RateGuard(state)

    @app.before_request
    def gatekeeper():
        g.body = None
        if not request.path.startswith("/v1/"):
            return None
        with state.lock:
            fault = next((f for f in state.faults if f.matches(request.method, request.path)), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.status:
            return _error(fault.status, "Injected fault")
        if not guard.allows():
            return _error(403, "Too many requests, temporarily blocked")
        if request.headers.get("Authorization", "") != f"ApiKey {state.api_key}":
            return _error(401, "Unauthorized")
        return None

    @app.after_request
    def log_call(response: Response) -> Response:
        if request.path.startswith("/v1/"):
            body = None
            if request.method in ("POST", "PUT") and request.get_data():
                try:
                    body = wire.decode(request.get_data())
                except ValueError:
                    body = request.get_data()
            with state.lock:
                state.calls.append(CallRecord(request.method, request.path,
                                              request.query_string.decode(), body,
                                              response.status_code))
        return response

    @app.errorhandler(SandboxRefusal)
    def refused(error: SandboxRefusal) -> Response:
        return _error(error.status, error.message)

    @app.errorhandler(404)
    def not_found(_error: Exception) -> Response:
        return _error(404, "Not found")

    @app.errorhandler(405)
    def not_allowed(_error: Exception) -> Response:
        return _error(405, "Method not allowed")

    # --- products --------------------------------------------------------------------------

    @app.get("/v1/store/products/")
    def list_products():
        with state.lock:
            records = list(state.products.values())
            return _json(page_of(records, request.args, "/store/products/", "products",
                                 state.next_page_key))

    @app.post("/v1/store/product/")
    def create_product():
        product = _body().get("product")
        return _json(_wrapped(state, "product", state.create_product(product or {})))

    @app.get("/v1/store/product/<handle>/")
    def get_product(handle: str):
        with state.lock:
            return _json(_wrapped(state, "product", state.product(handle).data))

    @app.put("/v1/store/product/<handle>/")
    def update_product(handle: str):
        body = _body()
        mode = (body.get("options") or {}).get("text_update_mode", "overwrite")
        state.update_product(handle, body.get("product") or {}, mode)
        return _json({"error": False})

    @app.delete("/v1/store/product/<handle>/")
    def delete_product(handle: str):
        state.delete_product(handle)
        return _json({"error": False})

    @app.post("/v1/store/products/batch_update_by_sku/")
    def batch_update_by_sku():
        unknown = state.batch_update_by_sku(_body().get("products"))
        # Sandbox decision (per-item answers are undocumented): one row per SKU not found.
        return _json({"error": False, "products": [
            {"sku": sku, "error": True, "error_message": "Product with this SKU not found"}
            for sku in unknown]})

    # --- orders ----------------------------------------------------------------------------

    @app.get("/v1/store/orders/")
    def list_orders():
        with state.lock:
            records = list(state.orders.values())
            return _json(page_of(records, request.args, "/store/orders/", "orders",
                                 state.next_page_key, fields=("created_at",)))

    @app.get("/v1/store/order/<order_id>/")
    def get_order(order_id: str):
        with state.lock:
            return _json(_wrapped(state, "order", storefront.order(order_id).data))

    @app.put("/v1/store/order/<order_id>/")
    def update_order(order_id: str):
        storefront.update_order(order_id, _body().get("order") or {})
        return _json({"error": False})

    # --- notifications ---------------------------------------------------------------------

    @app.get("/v1/store/notifications/")
    def get_notifications():
        with state.lock:
            return _json({"error": False, "notifications_url": state.notifications_url,
                          "notifications_wanted": list(state.notifications_wanted)})

    @app.put("/v1/store/notifications/")
    def set_notifications():
        body = _body()
        body = body.get("notifications", body) if isinstance(body, dict) else {}
        url, wanted = body.get("notifications_url"), body.get("notifications_wanted", [])
        if url is not None and not isinstance(url, str):
            raise SandboxRefusal(400, "notifications_url must be a string or null")
        if not isinstance(wanted, list) or any(event not in EVENTS for event in wanted):
            raise SandboxRefusal(400, f"notifications_wanted must be drawn from {EVENTS}")
        with state.lock:
            state.notifications_url = url or None
            state.notifications_wanted = list(dict.fromkeys(wanted))
        return _json({"error": False})

    # --- sandbox-only controls (not Mozello): the storefront for the demo --------------------

    @app.post("/sandbox/orders/")
    def place_order():
        body = _body()
        items = [(tuple(ref) if isinstance(ref, list) else ref, int(qty))
                 for ref, qty in body.pop("items", [])]
        shipping = body.pop("shipping", None)
        if isinstance(shipping, list):
            shipping = (shipping[0], Decimal(shipping[1]))
        try:
            order = storefront.place_order(items, body.pop("customer", None),
                                           shipping=shipping, **body)
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise SandboxRefusal(400, f"Cannot place this order: {exc}") from None
        return _json({"error": False, "order": order})

    @app.post("/sandbox/orders/<order_id>/<action>/")
    def order_action(order_id: str, action: str):
        actions = {"paid": storefront.mark_paid, "dispatch": storefront.dispatch,
                   "delete": storefront.delete_order}
        if action not in actions:
            raise SandboxRefusal(404, f"No action {action}")
        actions[action](order_id)
        return _json({"error": False})

    @app.get("/sandbox/webhooks/")
    def webhook_report():
        return _json(outbox.report() if outbox is not None else {})

    @app.put("/sandbox/webhooks/")
    def webhook_policy():
        """Change how notifications are sent (sandbox-only): delay, duplicates, drop,
        drop_rate, max_copies, shuffle, max_attempts, retry_backoff, seed."""
        body, policy = _body(), state.webhooks
        with state.lock:
            for name, value in (body if isinstance(body, dict) else {}).items():
                if name not in WEBHOOK_KNOBS:
                    raise SandboxRefusal(400, f"unknown webhook setting {name!r}")
                setattr(policy, name, WEBHOOK_KNOBS[name](value))
        return _json({"error": False})

    @app.post("/sandbox/flush/")
    def flush():
        delivered = outbox.flush() if outbox is not None else 0
        return _json({"error": False, "delivered": delivered})

    return app


def load_seed(state: MozelloSandboxState, path: str | Path = SEED_PATH) -> MozelloSandboxState:
    """Fill the state from a seed file: shop settings and a catalogue in Mozello's JSON."""
    seed = wire.decode(Path(path).read_bytes())
    for name in ("api_key", "alias", "currency", "language", "tax_mode", "taxes_rounding",
                 "payment_methods"):
        if name in seed:
            setattr(state, name, seed[name])
    if "vat_rate" in seed:
        state.vat_rate = Decimal(seed["vat_rate"])
    state.shipping_methods.update({k: Decimal(v) for k, v in seed.get("shipping_methods", {}).items()})
    state.discount_codes.update({k: Decimal(v) for k, v in seed.get("discount_codes", {}).items()})
    for product in seed.get("products", []):
        state.create_product(product)
    return state


class MozelloSandbox:
    """The sandbox on a real port: `start()`, `base_url` (ends in /v1/), storefront, `flush()`."""

    def __init__(self, state: MozelloSandboxState | None = None,
                 seed_path: str | Path | None = None):
        self._server: RunningServer | None = None
        self.reset(state or MozelloSandboxState(), seed_path)

    def reset(self, state: MozelloSandboxState,
              seed_path: str | Path | None = None) -> MozelloSandbox:
        """Serve a fresh shop on the same port (cheaper than a new server for every test)."""
        if seed_path is not None:
            load_seed(state, seed_path)
        self.state = state
        self.storefront = Storefront(state)
        self.outbox = WebhookOutbox(state)
        self.app = create_app(state, self.outbox)
        return self

    def _current_app(self, environ, start_response):
        return self.app(environ, start_response)

    @property
    def api_key(self) -> str:
        return self.state.api_key

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the Mozello sandbox is not started")
        return f"{self._server.base_url}/v1/"

    def start(self, port: int = 0, host: str = "127.0.0.1",
              deliver_in_background: bool = False) -> MozelloSandbox:
        self._server = serve_in_thread(self._current_app, host=host, port=port,
                                       keep_alive=True)
        if deliver_in_background:
            self.outbox.start()
        return self

    def stop(self) -> None:
        self.outbox.stop()
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> MozelloSandbox:
        return self.start() if self._server is None else self

    def __exit__(self, *args: object) -> None:
        self.stop()

    # the storefront and back office, for tests and the demo
    def place_order(self, items, customer: dict | None = None, **options) -> dict:
        return self.storefront.place_order(items, customer, **options)

    def mark_paid(self, order_id: str) -> dict:
        return self.storefront.mark_paid(order_id)

    def dispatch(self, order_id: str) -> dict:
        return self.storefront.dispatch(order_id)

    def delete_order(self, order_id: str) -> None:
        self.storefront.delete_order(order_id)

    def flush(self) -> int:
        """Deliver every queued notification now; returns how many the receiver accepted."""
        return self.outbox.flush()


def run(host: str = "127.0.0.1", port: int = 8765, seed_path: str | Path | None = None) -> None:
    """Serve the seeded sandbox until interrupted (`sales-inbox sandbox mozello --port N`)."""
    sandbox = MozelloSandbox(seed_path=seed_path or SEED_PATH)
    sandbox.state.webhooks.delay = 5.0
    sandbox.outbox.start(interval=1.0)
    print(f"Mozello sandbox for shop {sandbox.state.alias!r} on http://{host}:{port}/v1/")
    try:
        KeepAliveServer(host, port, sandbox.app).serve_forever()
    finally:
        sandbox.outbox.stop()
