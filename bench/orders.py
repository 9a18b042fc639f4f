"""Calls per order and CPU per order: orders placed in the Mozello sandbox go through the
service's real worker path (ReceiveOrder → ProcessOrder, real storage, real HTTP clients) to the
PayTraq sandbox, whose request log counts the calls."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import count
from urllib.parse import urlsplit

import requests

from adapters.clock import SystemClock
from adapters.mozello.sandbox.server import SEED_PATH, MozelloSandbox
from adapters.mozello.schemas import load_order
from adapters.paytraq.sandbox.dialect import CLIENT_QUERY_ALL, CLIENT_QUERY_NAME_EMAIL
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.paytraq.sandbox.state import Client
from adapters.paytraq.transport import PayTraqTransport
from adapters.storage.crypto import SecretBox
from adapters.storage.locks import SqlLock
from adapters.storage.uow import SqlAlchemyUnitOfWork
from application.bootstrap import bootstrap
from application.commands import ReceiveOrder
from application.ports import ChannelCredentials
from application.preflight import CheckChannel, check_channel
from bench.databases import Database, StatementCounter, database, kinds
from bench.report import Row
from bench.sizes import Sizes
from domain.settings import Channel, DocumentType
from entrypoints.demo.sandbox_mode import sandbox_settings
from entrypoints.gateways import ChannelGateways

DAILY_BUDGET = 5_000
FLOOR_CALLS = 300  # bare calls timed for the HTTP floor
BATCH = 5  # orders timed on one channel before the other takes its turn
HEADLINE = DocumentType.SALES_INVOICE  # "a repeat buyer's automated invoice"
_buyers = count(1)


@dataclass
class Stage:
    """The sandboxes and one database, with a channel per document type."""

    paytraq: PayTraqSandbox
    mozello: MozelloSandbox
    db: Database
    box: SecretBox
    made: list[ChannelGateways] = field(default_factory=list)

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.db.engine, self.box)

    def gateways(self) -> ChannelGateways:
        """A fresh set of clients: what a worker process has just after it starts."""
        gateways = ChannelGateways(self.uow, self.paytraq.base_url, self.mozello.base_url,
                                   paytraq_options={"rate": 10_000.0, "burst": 10_000},
                                   mozello_options={"limiters": []})
        self.made.append(gateways)
        return gateways

    def close(self) -> None:
        for gateways in self.made:
            if gateways._audit_writer is not None:
                gateways._audit_writer.close()

    def add_channels(self) -> None:
        """Per document type, a channel as configured (`kind`, never checked) and one whose
        check with the write test passed (`kind-proven`): the second's created documents need
        not be read back, and its check showed what `clients?query=` matches (on
        EXISTING_CLIENTS), so a new company buyer costs one client search there."""
        creds = ChannelCredentials(self.mozello.api_key, self.paytraq.api_key,
                                   self.paytraq.api_token)
        with self.uow() as uow:
            for kind in DocumentType:
                settings = replace(sandbox_settings(), document_type=kind)
                for channel_id in (kind.value, proven(kind)):
                    uow.channels.add(Channel(channel_id, f"Bench {channel_id}", settings), creds)
            uow.commit()
        for kind in DocumentType:
            report = check_channel(CheckChannel(proven(kind), write_test=True), self.uow(),
                                   self.gateways(), SystemClock())
            kept = [line for line in report.lines if "kept as sent" in line.check]
            if not kept or kept[0].result.value != "ok":
                raise RuntimeError(f"the write test did not pass on {proven(kind)}: {kept}")

    def place(self, buyer: int, company: bool = False) -> ReceiveOrder:
        customer = {"name": f"Pircējs {buyer}", "email": f"buyer{buyer}@example.com"}
        if company:  # a company buyer: registration number, VAT number and e-mail
            customer |= {"company": f"Pircējs {buyer} SIA", "company_id": f"5{buyer:010d}",
                         "vat_id": f"LV5{buyer:010d}"}
        raw = self.mozello.place_order([("TT-100", 1)], customer, paid=True,
                                       payment_method="gateway")
        return ReceiveOrder("", load_order(raw), "PAYMENT_CHANGED")

    def process(self, channel_id: str, order: ReceiveOrder, gateways: ChannelGateways) -> None:
        bus = bootstrap(self.uow(), gateways, SystemClock(), order_lock=SqlLock(self.db.engine))
        bus.handle(replace(order, channel_id=channel_id))

    def status(self, channel_id: str, order: ReceiveOrder) -> str:
        with self.uow() as uow:
            return uow.inbox.get(channel_id, order.order.order_id).status.value


EXISTING_CLIENTS = (  # clients an accountant entered: one without a VAT number, one with both
    Client("", "Vecais SIA", "birojs@vecais.lv", 2, "40003000011", ""),
    Client("", "Koks SIA", "koks@example.lv", 2, "40003000012", "LV40003000012"),
)


def proven(kind: DocumentType) -> str:
    """The channel of `kind` whose write test passed."""
    return f"{kind.value}-proven"


@contextmanager
def stage(kind: str) -> Iterator[Stage]:
    paytraq = PayTraqSandbox().start()
    paytraq.controls.rate_limit, paytraq.controls.daily_limit = None, None
    for client in EXISTING_CLIENTS:  # what `channel check` shows the client search on
        paytraq.state.create_client(replace(client))
    mozello = MozelloSandbox(seed_path=SEED_PATH).start()
    mozello.state.rate_limit.enabled = False
    for record in mozello.state.products.values():  # never out of stock
        record.data["stock"] = None
    try:
        with database(kind) as db:
            the_stage = Stage(paytraq, mozello, db, SecretBox(SecretBox.generate_key()))
            the_stage.add_channels()
            try:
                yield the_stage
            finally:
                the_stage.close()
    finally:
        mozello.stop()
        paytraq.stop()


def _calls(stage_: Stage, channel_id: str, order: ReceiveOrder,
           gateways: ChannelGateways) -> tuple[int, str, str]:
    seen = len(stage_.paytraq.controls.seen)
    stage_.process(channel_id, order, gateways)
    calls = stage_.paytraq.controls.seen[seen:]
    names = ", ".join(f"{c.method} {_endpoint(c.path)}" for c in calls)
    return len(calls), names, stage_.status(channel_id, order)


def _endpoint(path: str) -> str:
    """`sale/123/post` → `sale/post`, `sales` → `sales`: the call without its ids."""
    parts = path.split("?")[0].split("/")
    return "/".join([parts[0], *parts[2:]])


SCENARIOS = ("new buyer, channel's first order", "new buyer, first after start",
             "new buyer, warm", "repeat buyer", "new company buyer (reg. no. + VAT + e-mail), warm")
PROOF = {False: "no write test", True: "write test passed"}


def _scenarios(s: Stage) -> list[tuple[str, ReceiveOrder, bool]]:
    """The orders, in turn: (scenario, order, on a fresh worker?). The channel's first order
    meets empty database caches; the next new buyer's comes to a worker that just started,
    with the database caches (tax keys, ItemIDs, clients) warm."""
    first, second, third = next(_buyers), next(_buyers), next(_buyers)
    return [(SCENARIOS[0], s.place(first), True), (SCENARIOS[1], s.place(second), True),
            (SCENARIOS[2], s.place(third), False), (SCENARIOS[3], s.place(third), False),
            (SCENARIOS[4], s.place(next(_buyers), company=True), False)]


def calls_per_order() -> list[Row]:
    """Per document type, side by side on a channel without the write test and on one whose
    write test passed: a new buyer as the channel's first order, a new buyer on a worker that
    just started, a new buyer on a warm worker, a repeat buyer, and a new company buyer
    (registration number, VAT number, e-mail); each with approve/post, payment and e-mail on.
    Then a new company buyer where PayTraq's client search matches name and e-mail only."""
    rows, counted = [], {}
    with stage("sqlite") as s:
        for kind in DocumentType:
            for is_proven in (False, True):
                channel_id = proven(kind) if is_proven else kind.value
                gateways = None
                for name, order, fresh in _scenarios(s):
                    gateways = s.gateways() if fresh or gateways is None else gateways
                    calls, names, status = _calls(s, channel_id, order, gateways)
                    counted[(kind, name, is_proven)] = calls
                    rows.append(Row("PayTraq calls per order",
                                    f"{kind.value}: {name}, {PROOF[is_proven]}", calls,
                                    "calls", f"→ {status}: {names}"))
        rows.append(_company_buyer_on_a_name_email_search(s))
    for is_proven in (False, True):
        calls = counted[(HEADLINE, SCENARIOS[3], is_proven)]
        rows.append(Row("PayTraq calls per order",
                        f"orders/day on the {DAILY_BUDGET:,} budget, {PROOF[is_proven]}",
                        DAILY_BUDGET // calls, "orders",
                        f"repeat buyer's automated {HEADLINE.value}, {calls} calls each"))
    return rows


def _company_buyer_on_a_name_email_search(s: Stage) -> Row:
    """A new company buyer where PayTraq's `clients?query=` matches name and e-mail only (the
    one public description of it): the check shows registration and VAT numbers are not
    matched, so the buyer is searched for by e-mail alone."""
    channel_id = f"{HEADLINE.value}-name-email-search"
    s.paytraq.state.dialect = replace(s.paytraq.state.dialect,
                                      client_query=CLIENT_QUERY_NAME_EMAIL)
    try:
        with s.uow() as uow:
            settings = replace(sandbox_settings(), document_type=HEADLINE)
            uow.channels.add(Channel(channel_id, "Bench name/e-mail search", settings),
                             ChannelCredentials(s.mozello.api_key, s.paytraq.api_key,
                                                s.paytraq.api_token))
            uow.commit()
        check_channel(CheckChannel(channel_id, write_test=True), s.uow(), s.gateways(),
                      SystemClock())
        gateways = s.gateways()
        s.process(channel_id, s.place(next(_buyers)), gateways)  # warm: tax keys, ItemIDs
        calls, names, status = _calls(s, channel_id, s.place(next(_buyers), company=True),
                                      gateways)
    finally:
        s.paytraq.state.dialect = replace(s.paytraq.state.dialect, client_query=CLIENT_QUERY_ALL)
    return Row("PayTraq calls per order", f"{HEADLINE.value}: {SCENARIOS[4]}, write test "
               "passed, clients?query= matching name and e-mail only", calls, "calls",
               f"→ {status}: {names}")


def _thread_cpu(thread: threading.Thread) -> Callable[[], float]:
    """The CPU seconds `thread` has used so far: the audit writer's own thread may write an
    order's entries before the worker's flush does, and that CPU is the order's too."""
    clock = time.pthread_getcpuclockid(thread.ident)
    return lambda: time.clock_gettime(clock)


def cpu_per_order(sizes: Sizes) -> list[Row]:
    """Warm worker, repeat buyers' automated invoices: the CPU per order of the worker thread
    and of the audit writer's thread (the sandboxes run on other threads and are not counted),
    commits and statements per order — on a channel as configured (5 PayTraq calls) and, for
    the CPU, on one whose write test passed (4 calls: the document is not read back). Beside
    them, what as many PayTraq calls cost alone, by HTTP client (http_floor): the part of an
    order's CPU no change inside the service can take away while it uses that client."""
    rows = []
    for kind in kinds():
        with stage(kind) as s:
            gateways = s.gateways()
            buyer = next(_buyers)
            for channel_id in (HEADLINE.value, proven(HEADLINE)):
                for _ in range(2):  # warm up: tax keys, client, items cached
                    s.process(channel_id, s.place(buyer), gateways)
            # the CPU without the statement counter's hooks, the two channels taking turns
            cpu, wall, statuses = [], [], Counter()
            proven_cpu, proven_statuses = [], Counter()
            size = min(BATCH, sizes.cpu_orders)
            batch = replace(sizes, cpu_orders=size)
            for _ in range(max(1, sizes.cpu_orders // size)):
                c, w, st = _orders_timed(s, gateways, buyer, HEADLINE.value, batch)
                cpu, wall, statuses = cpu + c, wall + w, statuses + st
                c, _, st = _orders_timed(s, gateways, buyer, proven(HEADLINE), batch)
                proven_cpu, proven_statuses = proven_cpu + c, proven_statuses + st
            n = len(cpu)
            counted = max(size, n // 4)  # then the statements, on orders of their own
            counter = StatementCounter().attach(s.db.engine)
            before, seen = counter.snapshot(), len(s.paytraq.controls.seen)
            _, _, counted_statuses = _orders_timed(s, gateways, buyer, HEADLINE.value,
                                                   replace(sizes, cpu_orders=counted))
            after, calls = counter.snapshot(), (len(s.paytraq.controls.seen) - seen) / counted
            counter.detach()
            commits, statements, channels, creds = (
                (a - b) / counted for a, b in zip(after, before, strict=True))
            floor = {name: per_call * calls * 1000
                     for name, per_call in http_floor(s, _a_document(s, gateways, buyer)).items()}
            section = "worker CPU per order"
            rows += [
                Row(section, f"{kind}: CPU per order (median)", statistics.median(cpu) * 1000,
                    "ms", f"mean {statistics.mean(cpu) * 1000:.1f} ms, {n} orders → "
                          f"{dict(statuses)}; wall {statistics.median(wall) * 1000:.0f} ms"),
                Row(section, f"{kind}: CPU per order, write test passed (median)",
                    statistics.median(proven_cpu) * 1000, "ms",
                    f"4 PayTraq calls; {n} orders → {dict(proven_statuses)}"),
                *(Row(section, f"{kind}: {calls:g} PayTraq calls alone, {name}", ms, "ms",
                      f"GET sale/{{id}} kept alive, {FLOOR_CALLS} timed, no order around them")
                  for name, ms in floor.items()),
                Row(section, f"{kind}: commits per order", commits, "commits",
                    f"{counted} orders of their own → {dict(counted_statuses)}"),
                Row(section, f"{kind}: statements per order", statements, "stmts"),
                Row(section, f"{kind}: channel reads per order", channels, "reads",
                    f"+ {creds:.1f} credential reads (a decrypt only for a token not met before)"),
            ]
    return rows


def _orders_timed(s: Stage, gateways: ChannelGateways, buyer: int, channel_id: str,
                  sizes: Sizes) -> tuple[list[float], list[float], Counter]:
    """CPU and wall seconds of each of `sizes.cpu_orders` orders on `channel_id`, and how
    they ended."""
    cpu, wall, statuses = [], [], Counter()
    writer_cpu = _thread_cpu(gateways._audit_writer._thread)
    for _ in range(sizes.cpu_orders):
        order = s.place(buyer)
        started_cpu, started = time.thread_time() + writer_cpu(), time.perf_counter()
        s.process(channel_id, order, gateways)
        gateways.flush_audit()
        cpu.append(time.thread_time() + writer_cpu() - started_cpu)
        wall.append(time.perf_counter() - started)
        statuses[s.status(channel_id, order)] += 1
    return cpu, wall, statuses


def _a_document(s: Stage, gateways: ChannelGateways, buyer: int) -> str:
    """The PayTraq id of a new order's document on the headline channel."""
    order = s.place(buyer)
    s.process(HEADLINE.value, order, gateways)
    with s.uow() as uow:
        return uow.inbox.get(HEADLINE.value, order.order.order_id).document.id


def http_floor(s: Stage, sale_id: str) -> dict[str, float]:
    """The CPU seconds of one PayTraq call by HTTP client: `GET sale/{sale_id}` (a whole
    document's XML, the largest answer an order reads) on a kept-alive connection to the same
    sandbox in the same run — through the service's PayTraqTransport (requests, trimmed:
    adapters/http_sessions.py), through a bare requests.Session as most code uses it, and
    through the standard library's http.client, which requests and urllib3 are built on: the
    floor of any Python client."""
    transport = PayTraqTransport(s.paytraq.base_url, s.paytraq.api_key, s.paytraq.api_token)
    url = f"{s.paytraq.base_url}sale/{sale_id}"
    headers = {"APIKey": s.paytraq.api_key, "APIToken": s.paytraq.api_token,
               "Accept": "application/xml"}
    session = requests.Session()
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def through_the_service() -> None:
        if not transport.get(f"sale/{sale_id}"):
            raise RuntimeError("the floor's GET answered nothing")

    def through_requests() -> None:
        answer = session.get(url, headers=headers, timeout=(5, 30))
        if answer.status_code != 200 or not answer.content:
            raise RuntimeError(f"the floor's GET answered {answer.status_code}")

    def through_http_client() -> None:
        connection.request("GET", parts.path, headers=headers)
        answer = connection.getresponse()
        if answer.status != 200 or not answer.read():
            raise RuntimeError(f"the floor's GET answered {answer.status}")

    try:
        return {"the service's transport (requests)": _cpu_per_call(through_the_service),
                "a bare requests.Session": _cpu_per_call(through_requests),
                "http.client": _cpu_per_call(through_http_client)}
    finally:
        transport.session.close()
        session.close()
        connection.close()


def _cpu_per_call(call: Callable[[], None]) -> float:
    for _ in range(20):  # warm: the connection opened, the code paths taken once
        call()
    started = time.thread_time()
    for _ in range(FLOOR_CALLS):
        call()
    return (time.thread_time() - started) / FLOOR_CALLS
