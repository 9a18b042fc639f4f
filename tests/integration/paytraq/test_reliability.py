"""The PayTraq client under faults, against the sandbox over real HTTP: lost answers after a write,
timeouts, a 429 storm, the daily budget, rejected credentials, and one rate shared through Redis."""

from __future__ import annotations

import functools
import threading
from datetime import date
from decimal import Decimal

import pytest
import redis as redis_lib
from structlog.testing import capture_logs

from adapters.paytraq.api import DAILY_LIMIT, PayTraqClient, credential_hash
from adapters.paytraq.sandbox.faults import RateLimit
from adapters.paytraq.transport import AmbiguousWrite, RetryPolicy
from adapters.ratelimit import DailyBudget, RedisTokenBucket, TokenBucket
from application.errors import (
    AuthenticationFailed,
    NotFound,
    PermanentError,
    RateBudgetExhausted,
    TransientError,
)
from application.ports import PaymentRequest
from domain.settings import DocumentType
from tests.integration.paytraq.scenario import (
    GATEWAY_ACCOUNT,
    SHORT_TIMEOUTS,
    TIMEOUTS,
    client_for,
    invoice_14_2,
    new_client,
    quiet_sandbox,
)
from tests.services import require_redis

pytestmark = pytest.mark.integration


def sales_with_ref(sandbox, ref: str) -> list:
    return [s for s in sandbox.state.sales.values() if s.ref == ref]


def payments_mentioning(sandbox, ref: str) -> list:
    return [p for p in sandbox.state.payments.values() if ref in p.comment]


def max_in_window(times: list[float], window: float = 1.0) -> int:
    times = sorted(times)
    return max((sum(1 for t in times[i:] if t - start < window) for i, start in enumerate(times)), default=0)


@pytest.mark.parametrize("how", ["close", "500", "timeout"])
def test_a_sale_whose_answer_is_lost_after_the_write_exists_exactly_once(sandbox, how):
    # Given PayTraq will create the next sale and then lose its answer
    paytraq = client_for(sandbox, timeouts=SHORT_TIMEOUTS)
    document = invoice_14_2(paytraq, new_client(paytraq))
    sandbox.controls.inject("POST", "sale", "drop_after_write", how=how,
                            seconds=SHORT_TIMEOUTS.read * 2)
    # When the client creates it
    sale_id = paytraq.create_sale(document)
    # Then there is exactly one sale with that DocumentRef, and the client returned its id
    assert [s.id for s in sales_with_ref(sandbox, "WEB-10045")] == [sale_id]


def test_a_sale_whose_request_timed_out_before_the_write_is_created_once(sandbox):
    # Given PayTraq will stall past the client's timeout without creating anything
    paytraq = client_for(sandbox, timeouts=SHORT_TIMEOUTS)
    document = invoice_14_2(paytraq, new_client(paytraq))
    sandbox.controls.inject("POST", "sale", "timeout", seconds=SHORT_TIMEOUTS.read * 2)
    # When the client creates the sale
    sale_id = paytraq.create_sale(document)
    # Then it was looked for, not found, and created once on the retry
    assert [s.id for s in sales_with_ref(sandbox, "WEB-10045")] == [sale_id]


@pytest.mark.parametrize("sale_type", [DocumentType.SALES_INVOICE, DocumentType.SALES_ORDER])
def test_a_payment_whose_answer_is_lost_is_booked_once_and_reported_unconfirmed(sandbox, sale_type):
    # Given an approved order or a posted invoice, and a payment whose answer PayTraq will lose
    paytraq = client_for(sandbox)
    sale_id = paytraq.create_sale(invoice_14_2(paytraq, new_client(paytraq), ref="M-9-1",
                                               sale_type=sale_type))
    (paytraq.approve_sale if sale_type is DocumentType.SALES_ORDER else paytraq.post_sale)(sale_id)
    sandbox.controls.inject("POST", r"sale/\d+/payment", "drop_after_write", how="close")
    # When the client books the payment
    with pytest.raises(AmbiguousWrite):
        paytraq.add_payment(sale_id, PaymentRequest(
            Decimal("22.22"), date(2026, 2, 4), GATEWAY_ACCOUNT, "Payment Gateway", "M-9-1"))
    # Then exactly one payment exists, and the client neither looked nor posted again: whether
    # it was booked is decided from the write-ahead record (application.payment_recovery)
    assert len(payments_mentioning(sandbox, "M-9-1")) == 1
    assert not any(s.path == "payments" for s in sandbox.controls.seen)


def test_a_429_storm_is_ridden_out_at_the_servers_pace():
    # Given a sandbox strictly limited to 2 requests/s (burst 2) and an over-eager client
    sandbox = quiet_sandbox(rate_limit=RateLimit(rate=2, burst=2))
    try:
        paytraq = client_for(sandbox, limiter=TokenBucket(rate=50, burst=20),
                             retry=RetryPolicy(attempts=10, backoff=0.01, backoff_cap=0.05))
        # When it makes 8 calls in a row
        results = [paytraq.search_clients(f"nobody-{n}") for n in range(8)]
        # Then every call succeeded, after some 429s
        seen = sandbox.controls.seen
        assert results == [[]] * 8
        rejected = [i for i, s in enumerate(seen) if s.status == 429]
        assert rejected, "the storm did not happen: the test proves nothing"
        # And after each 429 the client waited the Retry-After (1 s) before asking again
        for i in rejected:
            assert seen[i + 1].at - seen[i].at >= 0.95
        # And it never sent more than the server's burst + rate (+1 refused probe) in a second
        assert max_in_window([s.at for s in seen]) <= 2 + 2 + 1
    finally:
        sandbox.stop()


def test_the_daily_budget_stops_calls_before_they_are_sent(sandbox):
    # Given a daily budget of 4 calls, 4 of which are spent creating a client and one sale
    paytraq = client_for(sandbox, budget=DailyBudget(4))
    client_id = new_client(paytraq)
    paytraq.create_sale(invoice_14_2(paytraq, client_id, ref="M-5-1"))  # 2 look-ups + 1 create
    # When another sale is created
    with pytest.raises(RateBudgetExhausted) as refused:
        paytraq.create_sale(invoice_14_2(paytraq, client_id, ref="M-5-2"))
    # Then it fails with a clear message, and nothing reached PayTraq
    assert "daily API budget of 4 calls is used up" in str(refused.value)
    assert sales_with_ref(sandbox, "M-5-2") == []
    assert len(sandbox.controls.seen) == 4 == paytraq.calls_made


def test_the_default_daily_budget_is_5000_calls_per_credential_pair():
    paytraq = PayTraqClient("some-key", "some-token", "http://127.0.0.1:9/api/")
    assert paytraq.http.budget.limit == DAILY_LIMIT == 5000


def test_rejected_credentials_fail_without_revealing_them(sandbox, info_logs):
    # Given the right key with a wrong token
    paytraq = PayTraqClient(sandbox.api_key, "WrongTok3n0000Zz", sandbox.base_url,
                            budget=DailyBudget(100), timeouts=TIMEOUTS)
    # When a call is made, with logs captured
    with capture_logs() as logs, pytest.raises(AuthenticationFailed) as failed:
        paytraq.search_clients("anna@example.com")
    # Then it is an authentication failure whose text and logs hold neither secret
    shown = " ".join([str(failed.value), repr(failed.value), repr(paytraq), *map(repr, logs)])
    assert "401" in str(failed.value)
    assert logs and logs[0]["status"] == 401
    for secret in (sandbox.api_key, "WrongTok3n0000Zz", sandbox.api_token):
        assert secret not in shown


def test_a_refusal_that_quotes_a_secret_is_redacted(sandbox, info_logs):
    # Given a request that makes PayTraq quote the token back (a sale and a path built from it)
    paytraq = client_for(sandbox)
    document = invoice_14_2(paytraq, sandbox.api_token)
    # When PayTraq refuses them, with logs captured
    with capture_logs() as logs:
        with pytest.raises(PermanentError) as refused:
            paytraq.create_sale(document)
        with pytest.raises(NotFound) as missing:
            paytraq.get_sale(sandbox.api_token)
    # Then the messages and the log lines show *** instead of the token
    assert "***" in str(refused.value) and "***" in str(missing.value)
    shown = " ".join([str(refused.value), str(missing.value), *map(repr, logs)])
    assert sandbox.api_token not in shown and sandbox.api_key not in shown
    assert [entry["status"] for entry in logs if entry["event"] == "paytraq.request"][-2:] == [400, 404]


class SteppedClock:
    """The wall clock the clients' Redis buckets read, moved on only once every client still
    calling is waiting for a token, and then to the earliest wake-up: the pacing seen is the
    buckets' own, however slowly the machine runs the threads and the sandbox."""

    def __init__(self, clients: int, start: float = 1_000_000.0):
        self.start, self.now, self.clients = start, start, clients
        self._changed = threading.Condition()
        self._sleepers: list[float] = []  # when each waiting client wakes
        self._done = 0

    def read(self) -> float:
        with self._changed:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._changed:
            wake = self.now + seconds
            self._sleepers.append(wake)
            self._changed.notify_all()
            self._changed.wait_for(lambda: self.now >= wake)

    def finished(self) -> None:
        with self._changed:
            self._done += 1
            self._changed.notify_all()

    def run(self) -> None:
        """Move the clock on until every client has finished."""
        with self._changed:
            while True:
                assert self._changed.wait_for(
                    lambda: len(self._sleepers) == self.clients - self._done, timeout=60), \
                    "a client neither finished nor waited for a token"
                if self._done == self.clients:
                    return
                self.now = min(self._sleepers)
                self._sleepers = [wake for wake in self._sleepers if wake > self.now]
                self._changed.notify_all()


def test_two_clients_sharing_redis_keep_one_combined_rate(sandbox, monkeypatch):
    # Given two clients of the same credentials sharing a 4/s, burst 2 bucket in Redis, the
    # buckets' clock moving only while both clients wait for a token
    import adapters.paytraq.api as api

    redis = redis_lib.Redis.from_url(require_redis())
    name = credential_hash(sandbox.api_key)
    redis.delete(f"paytraq:bucket:{name}", *redis.keys(f"paytraq:budget:{name}:*"))
    clock = SteppedClock(clients=2)
    monkeypatch.setattr(api, "RedisTokenBucket", functools.partial(
        RedisTokenBucket, sleep=clock.sleep, now=clock.read))
    clients = [
        PayTraqClient(sandbox.api_key, sandbox.api_token, sandbox.base_url, redis=redis,
                      rate=4, burst=2, timeouts=TIMEOUTS)
        for _ in range(2)
    ]
    sent: list[float] = []  # the buckets' time of each call (it stands still while one runs)

    def five_calls(client: PayTraqClient) -> None:
        try:
            for _ in range(5):
                client.search_clients("x")
                sent.append(clock.read() - clock.start)
        finally:
            clock.finished()

    # When both make 5 calls at the same time
    threads = [threading.Thread(target=five_calls, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    clock.run()
    for thread in threads:
        thread.join(timeout=30)
    # Then PayTraq saw 10 calls paced as one client: the burst of 2 at once, then one every
    # 1/4 s, the last (10 − burst 2) / 4 per s = 2 s after the first
    assert len(sandbox.controls.seen) == 10
    assert sorted(sent) == [0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]
    redis.delete(f"paytraq:bucket:{name}", *redis.keys(f"paytraq:budget:{name}:*"))


def test_reads_are_retried_through_server_errors_and_latency(sandbox):
    # Given PayTraq fails the next two reads of a sale with 503, then answers slowly
    paytraq = client_for(sandbox)
    sale_id = paytraq.create_sale(invoice_14_2(paytraq, new_client(paytraq)))
    sandbox.controls.inject("GET", r"sale/\d+", "error", status=503, times=2)
    sandbox.controls.inject("GET", r"sale/\d+", "latency", seconds=0.2)
    # When the sale is read
    sale = paytraq.get_sale(sale_id)
    # Then the client got it on the third attempt
    assert sale.id == sale_id
    assert [s.status for s in sandbox.controls.seen if s.path == f"sale/{sale_id}"] == [503, 503, 200]


def test_an_approval_that_failed_without_effect_is_repeated_after_reading_the_status(sandbox):
    # Given a draft order and an approval PayTraq will fail with a 500 before doing anything
    paytraq = client_for(sandbox)
    sale_id = paytraq.create_sale(
        invoice_14_2(paytraq, new_client(paytraq), sale_type=DocumentType.SALES_ORDER))
    sandbox.controls.inject("POST", r"sale/\d+/approve", "error", status=500)
    # When the client approves it
    paytraq.approve_sale(sale_id)
    # Then it looked at the status (still draft), approved again, and the order is in process
    assert [(s.method, s.status) for s in sandbox.controls.seen][-3:] == [
        ("POST", 500), ("GET", 200), ("POST", 200)]
    assert paytraq.get_sale(sale_id).status == "in_process"


def test_a_payment_that_timed_out_is_not_sent_again_by_the_client(sandbox):
    # Given a posted invoice and a payment PayTraq stalls on past the client's timeout
    paytraq = client_for(sandbox, timeouts=SHORT_TIMEOUTS)
    sale_id = paytraq.create_sale(invoice_14_2(paytraq, new_client(paytraq), ref="M-9-2"))
    paytraq.post_sale(sale_id)
    sandbox.controls.inject("POST", r"sale/\d+/payment", "timeout", seconds=SHORT_TIMEOUTS.read * 2)
    # When the client books it, Then the outcome is reported unknown and nothing was booked twice
    with pytest.raises(AmbiguousWrite):
        paytraq.add_payment(sale_id, PaymentRequest(
            Decimal("22.22"), date(2026, 2, 4), GATEWAY_ACCOUNT, "Payment Gateway", "M-9-2"))
    assert len(payments_mentioning(sandbox, "M-9-2")) == 0


def test_an_unreachable_paytraq_is_a_transient_error_after_the_retries(sandbox):
    # Given a client whose PayTraq stops listening
    paytraq = client_for(sandbox)
    document = invoice_14_2(paytraq, new_client(paytraq))
    sandbox.stop()
    # When a sale is created, Then the refused connections end in a TransientError to retry later
    with pytest.raises(TransientError, match="failed after 4 attempts"):
        paytraq.create_sale(document)


# --- which failed writes the client reports as "not sent" (the retry then writes again at once,
# without a look-up or a person's answer: application/write_ahead.py) ---

def test_a_write_paytraq_refused_for_its_pace_is_reported_not_sent(sandbox):
    # Given a posted invoice and a PayTraq that then asks to wait five minutes
    paytraq = client_for(sandbox)
    sale_id = paytraq.create_sale(invoice_14_2(paytraq, new_client(paytraq), ref="M-9-3"))
    paytraq.post_sale(sale_id)
    sandbox.controls.rate_limit = RateLimit(rate=1 / 300, burst=1)
    sandbox.controls.wait_for_token(sandbox.api_key)  # the one call it allows, spent
    # When the client books the payment
    with pytest.raises(TransientError) as refused:
        paytraq.add_payment(sale_id, PaymentRequest(
            Decimal("22.22"), date(2026, 2, 4), GATEWAY_ACCOUNT, "Payment Gateway", "M-9-3",
            sale_type=DocumentType.SALES_INVOICE.value))
    # Then it says nothing was booked, and nothing was
    assert refused.value.write_not_sent is True and not isinstance(refused.value, AmbiguousWrite)
    assert payments_mentioning(sandbox, "M-9-3") == []


def test_a_write_refused_for_its_values_or_never_sent_is_reported_not_sent(sandbox):
    paytraq = client_for(sandbox)
    document = invoice_14_2(paytraq, new_client(paytraq), ref="M-9-4")
    # a refusal PayTraq documents (HTTP 400, failed validation), of each body shape: nothing
    sandbox.controls.inject("POST", "sale", "error", status=400, times=2)
    with pytest.raises(PermanentError) as refused:
        paytraq.create_sale(document)
    assert refused.value.write_not_sent is True and sales_with_ref(sandbox, "M-9-4") == []
    # a 4xx PayTraq does not document (a proxy's 409, say) vouches for nothing
    sandbox.controls.inject("POST", "sale", "error", status=409)
    with pytest.raises(PermanentError) as undocumented:
        paytraq.create_sale(document)
    assert undocumented.value.write_not_sent is False
    # the daily budget spent before the call: nothing sent
    spent = client_for(sandbox, budget=DailyBudget(0))
    with pytest.raises(RateBudgetExhausted) as budget:
        spent.create_sale(document)
    assert budget.value.write_not_sent is True
    # PayTraq gone: refused connections, nothing sent
    sandbox.stop()
    with pytest.raises(TransientError) as unreachable:
        paytraq.create_sale(document)
    assert unreachable.value.write_not_sent is True


@pytest.mark.parametrize("fault", [dict(kind="error", status=500),
                                   dict(kind="drop_after_write", how="close")])
def test_a_write_that_may_have_been_done_is_never_reported_not_sent(sandbox, fault):
    # Given a payment whose answer is a 500 (PayTraq may have acted) or lost after the write
    paytraq = client_for(sandbox)
    sale_id = paytraq.create_sale(invoice_14_2(paytraq, new_client(paytraq), ref="M-9-5"))
    paytraq.post_sale(sale_id)
    kind = fault.pop("kind")
    sandbox.controls.inject("POST", r"sale/\d+/payment", kind, **fault)
    # When the client books it, Then the outcome is unknown, not "not sent"
    with pytest.raises(AmbiguousWrite) as unknown:
        paytraq.add_payment(sale_id, PaymentRequest(
            Decimal("22.22"), date(2026, 2, 4), GATEWAY_ACCOUNT, "Payment Gateway", "M-9-5"))
    assert unknown.value.write_not_sent is False


def test_a_sale_refused_after_an_earlier_attempts_answer_was_lost_is_not_reported_not_sent(
        sandbox):
    # Given a sale whose first answer is lost before the write, then a refusal of the retry
    paytraq = client_for(sandbox, timeouts=SHORT_TIMEOUTS)
    document = invoice_14_2(paytraq, new_client(paytraq), ref="M-9-6")
    sandbox.controls.inject("POST", "sale", "timeout", seconds=SHORT_TIMEOUTS.read * 2)
    sandbox.controls.inject("POST", "sale", "error", status=400, times=2)  # every body shape
    # When the client creates it
    with pytest.raises(PermanentError) as refused:
        paytraq.create_sale(document)
    # Then the refusal does not vouch for the first attempt (looked up between the two):
    # whoever retries looks first
    assert refused.value.write_not_sent is False
    assert "sales" in [s.path for s in sandbox.controls.seen if s.method == "GET"]
