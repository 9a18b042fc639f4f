"""A PayTraq sandbox: the same paths, XML and refusals as the client expects from PayTraq, served
over real HTTP from in-memory state (sandbox_state.py), with PayTraq's credentials check (401),
rate limit (429 + Retry-After), daily counter and on-demand faults (sandbox_faults.py)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, g, request

from adapters.paytraq.sandbox import answer_xml as wire
from adapters.paytraq.sandbox import connect, sale_xml
from adapters.paytraq.sandbox.connect import SANDBOX_CONNECT_CHANNEL, ConnectChannel
from adapters.paytraq.sandbox.dialect import WireDialect
from adapters.paytraq.sandbox.fault_api import fault_blueprint
from adapters.paytraq.sandbox.faults import SandboxControls, install_controls
from adapters.paytraq.sandbox.state import Refused, SandboxState
from adapters.sandbox_wsgi import KeepAliveServer, RunningServer, serve_in_thread

PAGE_SIZE = 100
XML = "application/xml"


def _xml(body: bytes, status: int = 200) -> Response:
    return Response(body, status=status, content_type=XML)


def _page(rows: list) -> list:
    raw = request.args.get("page", "0")
    page = int(raw) if raw.isdigit() else 0
    return rows[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]


def _routes(state: SandboxState) -> Blueprint:
    api = Blueprint("paytraq", __name__)

    @api.get("/clients")
    def list_clients():
        return _xml(wire.clients(_page(state.search_clients(request.args.get("query", "")))))

    @api.get("/client/<client_id>")
    def get_client(client_id):
        return _xml(wire.client(state.client(client_id)))

    @api.post("/client")
    def create_client():
        return _xml(wire.created("ClientID", state.create_client(wire.client_from(request.data))))

    @api.get("/products")
    def list_products():
        warehouse_id = request.args.get("WarehouseID") or None
        if warehouse_id is not None:
            state.warehouse(warehouse_id)
        found = state.search_products(request.args.get("query", ""))
        return _xml(wire.products(state, _page(found), warehouse_id))

    @api.get("/product/<item_id>")
    def get_product(item_id):
        return _xml(wire.product(state, state.product(item_id)))

    @api.get("/taxKeys")
    def list_tax_keys():
        return _xml(wire.tax_keys(state))

    @api.get("/productPriceList/<group_id>")
    def get_price_list(group_id):
        group = state.price_group(group_id)
        rows = [(p, p.prices[group_id], group.currency)
                for p in state.products.values() if group_id in p.prices]
        return _xml(wire.price_list(_page(rows)))

    @api.get("/sales")
    def list_sales():
        args = request.args
        found = state.list_sales(args.get("query", ""), args.get("status", ""),
                                 args.get("date_from", ""), args.get("date_till", ""))
        return _xml(sale_xml.sales_xml(state, _page(found)))

    @api.get("/sale/<sale_id>")
    def get_sale(sale_id):
        return _xml(sale_xml.sale_xml(state, state.sale(sale_id)))

    @api.post("/sale")
    def create_sale():
        return _xml(wire.created("DocumentID", state.create_sale(wire.sale_from(request.data, state.dialect))))

    @api.post("/sale/<sale_id>/<action>")
    def change_sale(sale_id, action):
        if action == "payment":
            payment_id = state.add_payment(sale_id, wire.payment_from(request.data, state.dialect))
            return _xml(wire.created("PaymentID", payment_id))
        if action == "send":
            state.send(sale_id, wire.send_email_from(request.data))
            return _xml(wire.created("DocumentID", sale_id))
        transitions = {"approve": state.approve, "post": state.post, "void": state.void}
        if action not in transitions:
            raise Refused(f"Unknown action {action!r}: check the path (camelCase)", 404)
        wire.require_document_body(request.data)
        transitions[action](sale_id)
        return _xml(wire.created("DocumentID", sale_id))

    @api.get("/sale/<sale_id>/pdf")
    def get_pdf(sale_id):
        sale = state.sale(sale_id)
        return Response(pdf_bytes(state, sale), content_type="application/pdf")

    @api.get("/payments")
    def list_payments():
        if not state.dialect.payments_listing:
            raise Refused("Resource not found: check the path (paths are camelCase)", 404)
        return _xml(wire.payments(state, _page(state.search_payments(request.args.get("query", "")))))

    return api


def pdf_bytes(state: SandboxState, sale) -> bytes:
    """A small, valid one-page PDF naming the document (decided in the payments-lookup ADR)."""
    title = f"{sale.sale_type} {sale.ref} total {sale_xml.money(state.totals(sale).total)} {sale.currency}"
    safe = title.encode("latin-1", "replace").decode("latin-1").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def create_app(state: SandboxState, controls: SandboxControls | None = None,
               state_path: str | Path | None = None) -> Flask:
    """The sandbox as a WSGI app; `controls` set rate limits, the daily counter and faults."""
    app = Flask(__name__)
    app.config["PAYTRAQ_STATE"] = state
    app.config["PAYTRAQ_CONTROLS"] = controls = controls or SandboxControls()
    install_controls(app, state, controls)
    app.register_blueprint(_routes(state), url_prefix="/api")
    app.register_blueprint(fault_blueprint(controls))
    app.register_blueprint(connect.connect_controls(state))
    state.connect_channels.setdefault(SANDBOX_CONNECT_CHANNEL, ConnectChannel())

    @app.before_request
    def inbox_at_work():
        """PayTraq's Sales Inbox makes the documents of delayed messages whose time has come."""
        connect.process_waiting(state)

    @app.post("/ext/webhooks/inbox/<channel_id>")
    def paytraq_connect(channel_id):
        connect.receive(state, channel_id, request.data)
        return Response(b"", status=200)

    @app.errorhandler(Refused)
    def refused(exc: Refused):
        return _xml(wire.error(exc.message), exc.status)

    @app.errorhandler(404)
    def unknown_path(exc):
        return _xml(wire.error("Resource not found: check the path (paths are camelCase)"), 404)

    @app.errorhandler(405)
    def wrong_method(exc):
        return _xml(wire.error(f"Method {request.method} is not allowed here"), 405)

    if state_path is not None:
        @app.after_request
        def persist(response: Response) -> Response:
            if request.method == "POST" and response.status_code == 200 and not g.get("fault"):
                state.save(state_path)
            return response

    return app


class PayTraqSandbox:
    """Start a sandbox on 127.0.0.1 for tests and demos: `PayTraqSandbox().start()`."""

    def __init__(self, state: SandboxState | None = None, seed_path: str | Path | None = None,
                 controls: SandboxControls | None = None, dialect: WireDialect | None = None):
        self.state = state or SandboxState.from_file(seed_path)
        if dialect is not None:
            self.state.dialect = dialect
        self.controls = controls or SandboxControls()
        self.app = create_app(self.state, self.controls)
        self._server: RunningServer | None = None

    def start(self, port: int = 0) -> PayTraqSandbox:
        self._server = serve_in_thread(self.app, port=port, keep_alive=True)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> PayTraqSandbox:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not running: call start() first")
        return f"{self._server.base_url}/api/"

    @property
    def connect_url(self) -> str:
        """The URL of the sandbox's PayTraq Connect channel (§9.2)."""
        return f"{self.base_url.removesuffix('/api/')}/ext/webhooks/inbox/{SANDBOX_CONNECT_CHANNEL}"

    @property
    def api_key(self) -> str:
        return self.state.credentials[0][0]

    @property
    def api_token(self) -> str:
        return self.state.credentials[0][1]


def run(host: str, port: int, seed_path: str | None = None, state_path: str | None = None) -> None:
    """Serve the sandbox until interrupted (`sales-inbox sandbox paytraq --port N`)."""
    if state_path is not None and Path(state_path).exists():
        state = SandboxState.from_file(state_path)
    else:
        state = SandboxState.from_file(seed_path)
    server = KeepAliveServer(host, port, create_app(state, state_path=state_path))
    print(f"PayTraq sandbox on http://{host}:{server.server_port}/api/ "
          "(credentials: see the seed file)", flush=True)
    server.serve_forever()
