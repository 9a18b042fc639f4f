"""PayTraq's REST API behind the AccountingPort (paytraq-api.md, DECISIONS.md P1–P12).

Writes are idempotent by their natural keys: a sale by its DocumentRef (the Mozello order id), a
payment by its sale and the order reference in its Comment. After a write whose answer was lost,
the client looks for the result before it writes again; it never repeats a create blindly.

Over 250 lines on purpose: one module per outside API (STYLE.md 9), so every PayTraq operation
the order flow and the stock sync use is read in one place; paths are in paths.py, the shared
rate limits in limits.py, the XML in bodies.py and xml.py, HTTP in transport.py.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

import requests
import structlog

from adapters.outside_calls import CallObserver, mentions
from adapters.paytraq import bodies, xml
from adapters.paytraq.contents_xml import sale_contents
from adapters.paytraq.limits import (
    BURST,
    DAILY_LIMIT,
    RATE,
    credential_hash,
    shared_bucket,
    shared_budget,
)
from adapters.paytraq.paths import (
    DATE_FILTER,
    LISTING_DAYS,
    LISTING_PAGES,
    PATHS,
    PAYMENT_FORMS,
    SALE_ROOTS,
)
from adapters.paytraq.paths import path as _path
from adapters.paytraq.transport import (
    DEFAULT_RETRY,
    DEFAULT_TIMEOUTS,
    AmbiguousWrite,
    PayTraqTransport,
    RetryPolicy,
    Timeouts,
)
from adapters.paytraq.write_shapes import WriteShapes
from adapters.ratelimit import DailyBudget, RateLimiter, RedisTokenBucket
from application.errors import (
    LookUpUnfinished,
    NotFound,
    PermanentError,
    SalesInboxError,
    TransientError,
)
from application.ports import (
    AccountingPort,
    AccountingProbe,
    ClientRecord,
    NewClient,
    PaymentReceipt,
    PaymentRequest,
    PriceEntry,
    ProductStock,
    SaleContents,
    SaleLines,
    SaleRecord,
    SaleSummary,
    WriteDialect,
)
from domain.documents import Document
from domain.paytraq_totals import TaxKey
from domain.sale_status import APPROVED_OR_LATER, POSTED_OR_LATER, SaleStatus
from domain.settings import DocumentType

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element as ET_Element

PAGE_SIZE = 100  # §1.5: 100 records a page, 0-based, stop on a short page
DEFAULT_BASE_URL = "https://go.paytraq.com/api/"


log = structlog.get_logger(__name__)
T = TypeVar("T")


MAX_PAGES = 2_000  # 200,000 records


class PayTraqClient(AccountingPort, AccountingProbe):
    def __init__(
        self,
        api_key: str,
        api_token: str,
        base_url: str | None = None,
        *,
        redis=None,
        rate: float = RATE,
        burst: int = BURST,
        daily_limit: int = DAILY_LIMIT,
        limiter: RateLimiter | None = None,
        budget: DailyBudget | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetryPolicy = DEFAULT_RETRY,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        item_cache_size: int = 10_000,
        observer: CallObserver | None = None,
        dialect: WriteDialect | None = None,
        on_learned: Callable[[WriteDialect], None] | None = None,
    ):
        base_url = base_url or DEFAULT_BASE_URL
        name = credential_hash(api_key)
        if limiter is None:
            limiter = (
                RedisTokenBucket(redis, f"paytraq:bucket:{name}", rate, burst)
                if redis is not None
                else shared_bucket(name, rate, burst)
            )
        if budget is None:
            budget = (
                DailyBudget(daily_limit, f"paytraq:budget:{name}", redis)
                if redis is not None
                else shared_budget(name, daily_limit)
            )
        self.http = PayTraqTransport(
            base_url, api_key, api_token, timeouts=timeouts, limiter=limiter, budget=budget,
            retry=retry, session=session, sleep=sleep, observer=observer,
        )
        self._items: OrderedDict[str, str] = OrderedDict()
        self._item_cache_size = item_cache_size
        self._tax_keys: list[TaxKey] | None = None
        self._lock = threading.Lock()
        self.shapes = WriteShapes(dialect, on_learned)

    @property
    def write_dialect(self) -> WriteDialect:
        return self.shapes.dialect

    def __repr__(self) -> str:
        return f"PayTraqClient({self.http.base_url!r}, credentials=***)"

    @property
    def calls_made(self) -> int:  # type: ignore[override]
        return self.http.calls_made

    def calls_in_this_thread(self) -> int:
        return self.http.calls_in_this_thread()

    # --- clients (P10) -------------------------------------------------------------------
    def search_clients(self, query: str) -> list[ClientRecord]:
        return xml.clients(self.http.get(PATHS["clients"], {"query": query, "page": "0"}))

    def create_client(self, client: NewClient) -> str:
        keys = [k for k in (client.registration_number, client.vat_number, client.email) if k]

        def existing() -> str | None:
            for key in keys:
                for found in self.search_clients(key):
                    if key in (found.registration_number, found.vat_number, found.email):
                        return found.id
            return None

        def create() -> str:
            body = self.http.post(PATHS["client_create"], bodies.client_body(client))
            return xml.created_id(body, "ClientID")

        return self._write(f"create client {client.name!r}", create, existing if keys else None)

    # --- catalogue ---------------------------------------------------------------------
    def find_item_id(self, code: str) -> str | None:
        with self._lock:
            if code in self._items:
                self._items.move_to_end(code)
                return self._items[code]
        for page in self._pages(PATHS["products"], {"query": code}):
            for product in xml.products(page):
                self._remember_item(product.code, product.item_id)
                if product.code == code:
                    return product.item_id
        self.forget_item(code)
        return None

    def forget_item(self, code: str) -> None:
        with self._lock:
            self._items.pop(code, None)

    def _remember_item(self, code: str, item_id: str) -> None:
        if not code or not item_id:
            return
        with self._lock:
            self._items[code] = item_id
            self._items.move_to_end(code)
            while len(self._items) > self._item_cache_size:
                self._items.popitem(last=False)

    def forget_tax_keys(self) -> None:
        self._tax_keys = None

    def tax_keys(self) -> list[TaxKey]:
        if self._tax_keys is None:
            self._tax_keys = xml.tax_keys(self.http.get(PATHS["tax_keys"]))
        return list(self._tax_keys)

    # --- sales -------------------------------------------------------------------------
    def find_sale_by_ref(self, ref: str, around: date | None = None,
                         exclude: Collection[str] = ()) -> SaleRecord | None:
        """P1, then (R4: `query` may not match DocumentRef) a bounded listing by document date
        around `around`, matched on DocumentRef exactly, leaving out the ids in `exclude`; a
        sale not voided before a voided one."""
        found = self._sale_by_ref(PATHS["sales"], {"query": ref}, ref, exclude, MAX_PAGES)
        if found is None and around is not None:
            window = timedelta(days=LISTING_DAYS)
            params = dict(zip(DATE_FILTER, ((around - window).isoformat(),
                                            (around + window).isoformat()), strict=True))
            found = self._sale_by_ref(PATHS["sales"], params, ref, exclude, LISTING_PAGES)
        return None if found is None else self.get_sale(found)

    def _sale_by_ref(self, path: str, params: dict[str, str], ref: str,
                     exclude: Collection[str], max_pages: int) -> str | None:
        """The id of the listed sale with DocumentRef `ref` (not excluded), a live one first."""
        voided = None
        for page in self._pages(path, params, max_pages=max_pages):
            for summary in xml.sale_summaries(page):
                if summary.ref != ref or summary.id in exclude:
                    continue
                if summary.status.lower() != SaleStatus.VOIDED:
                    return summary.id
                voided = voided or summary.id
        return voided

    def look_up_sale(self, ref: str, on: date | None = None) -> SaleSummary | None:
        """One GET: page 0 of `sales?query=ref`, or of the sales dated `on` (R4)."""
        params = ({"query": ref} if on is None
                  else dict(zip(DATE_FILTER, (on.isoformat(), on.isoformat()), strict=True)))
        found = xml.sale_summaries(self.http.get(PATHS["sales"], {**params, "page": "0"}))
        return next((summary for summary in found if summary.ref == ref), None)

    def create_sale(self, document: Document, query_finds_ref: bool = False,
                    exclude: Collection[str] = ()) -> str:
        def existing() -> str | None:
            found = self.find_sale_by_ref(document.document_ref,
                                          None if query_finds_ref else document.document_date,
                                          exclude)
            return found.id if found else None

        def create() -> str:
            try:
                body = self.shapes.post(
                    self.http, "sale_root", PATHS["sale_create"], SALE_ROOTS,
                    lambda root: bodies.sale_body(document, root),
                )
            except PermanentError:
                for line in document.lines:  # a stale ItemID must be looked up again next time
                    if line.sku:
                        self.forget_item(line.sku)
                raise
            return xml.created_id(body, "DocumentID")

        return self._write(f"create sale {document.document_ref}", create, existing)

    def get_sale(self, sale_id: str) -> SaleRecord:
        return xml.sale_record(self.http.get(_path("sale", sale_id)))

    def approve_sale(self, sale_id: str) -> None:
        self._transition(sale_id, "approve", APPROVED_OR_LATER)

    def post_sale(self, sale_id: str) -> None:
        self._transition(sale_id, "post", POSTED_OR_LATER)

    def void_sale(self, sale_id: str) -> None:
        self._transition(sale_id, "void", {SaleStatus.VOIDED})

    def _transition(self, sale_id: str, action: str, reached: frozenset | set) -> None:
        """Repeating a transition is safe once the sale's status says whether it happened."""

        def done() -> bool | None:
            return True if self.get_sale(sale_id).status in reached else None

        def send() -> bool:
            try:
                self.http.post(_path(action, sale_id), bodies.empty_document_body())
            except PermanentError as refused:
                if done():  # already approved/posted/voided earlier: nothing left to do
                    return True
                raise refused
            return True

        self._write(f"{action} sale {sale_id}", send, done)

    # --- payments (P4) -------------------------------------------------------------------
    def find_payment(self, sale_id: str, reference: str) -> PaymentReceipt | None:
        """A payment of this sale and order reference, when PayTraq shows one. None means "not
        seen", which is proof of absence only where PayTraq shows comments (R3: it does not)."""
        sale = self.get_sale(sale_id)
        overpayment = sale.sale_type == DocumentType.SALES_ORDER.value
        if not overpayment:
            for payment in sale.payments:
                if mentions(payment.comment, reference):
                    return PaymentReceipt(payment.amount, False, payment.paytraq_id)
            if all(payment.comment for payment in sale.payments):
                return None  # every payment shows its comment, and none is ours
        try:
            for page in self._pages(PATHS["payments"], {"query": reference}):
                for booked in xml.booked_payments(page):
                    if booked.sale_id == sale_id and mentions(booked.comment, reference):
                        return PaymentReceipt(booked.amount, overpayment, booked.id or None)
        except NotFound:
            log.info("paytraq.payments_listing_missing")  # [MCP] path: not every PayTraq has it
        return None

    def add_payment(self, sale_id: str, payment: PaymentRequest) -> PaymentReceipt:
        """Book it once. After a lost answer this raises AmbiguousWrite and does not look or
        retry: whether it was booked is the caller's decision (application.payment_recovery),
        from what it wrote down before the attempt."""
        sale_type = payment.sale_type or self.get_sale(sale_id).sale_type
        overpayment = sale_type == DocumentType.SALES_ORDER.value
        body = self.shapes.post(
            self.http, "payment_form", _path("payment", sale_id), tuple(PAYMENT_FORMS),
            lambda form: bodies.payment_body(payment, form),
        )
        return PaymentReceipt(payment.amount, overpayment, xml.optional_created_id(body))

    # --- e-mail and PDF ------------------------------------------------------------------
    def send_sale(self, sale_id: str, email: str | None = None) -> None:
        """Not repeated after a lost answer: a second e-mail is worse than a retried job."""
        self.http.post(_path("send", sale_id), bodies.send_body(email))

    def sale_pdf(self, sale_id: str) -> bytes:
        return self.http.get(_path("pdf", sale_id))

    # --- stock and prices ----------------------------------------------------------------
    def warehouse_stock(self, warehouse_id: str) -> Iterator[ProductStock]:
        for page in self._pages(PATHS["products"], {"WarehouseID": warehouse_id}):
            for product in xml.products(page):
                self._remember_item(product.code, product.item_id)
                yield product

    def approved_orders(self) -> list[SaleSummary]:
        return [
            summary
            for page in self._pages(PATHS["sales"], {"status": SaleStatus.IN_PROCESS.value})
            for summary in xml.sale_summaries(page)
            if summary.status == SaleStatus.IN_PROCESS  # the server may map filters loosely (§7.5)
        ]

    def sale_lines(self, sale_id: str) -> SaleLines:
        return xml.sale_lines(self.http.get(_path("sale", sale_id)))

    def price_list(self, price_group_id: str) -> list[PriceEntry]:
        path = _path("price_list", price_group_id)
        return [entry for page in self._pages(path, {}) for entry in xml.price_list(page)]

    # --- what `channel check` asks (application.ports.probe) ------------------------------
    def sales_listed(self, status: str = "") -> list[SaleSummary]:
        params = {"page": "0", **({"status": status} if status else {})}
        return xml.sale_summaries(self.http.get(PATHS["sales"], params))

    def sale_contents(self, sale_id: str) -> SaleContents:
        return sale_contents(self.http.get(_path("sale", sale_id)))

    # --- helpers -----------------------------------------------------------------------
    def _pages(self, path: str, params: dict[str, str], max_pages: int = 0
               ) -> Iterator[ET_Element]:
        """0-based pages of 100, each parsed once; the last page is the first one holding fewer
        records. A server that ignores `page` (the same page again) or a list past MAX_PAGES
        (or `max_pages`) stops the loop instead of spending the daily budget."""
        previous: bytes | None = None
        limit = max_pages or MAX_PAGES
        for page in range(limit):
            body = self.http.get(path, {**params, "page": str(page)})
            if body == previous:
                raise LookUpUnfinished(f"PayTraq returned page {page} of {path} twice: paging "
                                     "is not honoured, the list would never end")
            root = xml.parse(body)
            yield root
            if len(root) < PAGE_SIZE:
                return
            previous = body
        raise LookUpUnfinished(f"PayTraq {path} has more than {limit} pages: a bounded look-up "
                             "could not finish, so a missing record cannot be ruled out")

    def _write(self, what: str, write: Callable[[], T], existing: Callable[[], T | None] | None) -> T:
        """Write; after a lost answer, look for the result first and write again only if absent."""
        attempts, what = self.http.retry.attempts, self.http.redact(what)
        for attempt in range(1, attempts + 1):
            try:
                return write()
            except AmbiguousWrite as lost:
                log.warning("paytraq.write_unconfirmed", what=what, attempt=attempt, error=str(lost))
                if existing is None:
                    raise
                self.http.pause(attempt, lost.retry_after)
                found = existing()
                if found is not None:
                    log.info("paytraq.write_found_after_lost_answer", what=what)
                    return found
            except SalesInboxError as failed:
                if attempt > 1:  # after a lost answer, "this one did nothing" is not enough
                    failed.write_not_sent = False
                raise
        raise TransientError(f"PayTraq: {what} unconfirmed after {attempts} attempts")
