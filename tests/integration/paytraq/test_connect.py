"""The PayTraq Connect client against the sandbox's Connect endpoint (paytraq-api.md §9.2):
the payload PayTraq's Sales Inbox turns into a document, its own totals check, and refusals
that never show the channel URL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from adapters.errors import AmbiguousWrite
from adapters.outside_calls import RetryPolicy
from adapters.paytraq.connect import PayTraqConnectClient
from application.errors import PermanentError, SalesInboxError
from application.ports import AutoSteps, ConnectSale
from domain.orders import Address, Customer
from tests.integration.paytraq.scenario import GATEWAY_ACCOUNT, TIMEOUTS, invoice_14_2

pytestmark = pytest.mark.integration

BUYER = Customer("Jānis Bērziņš", "janis@example.lv", "+37120000000",
                 billing_address=Address("Brīvības iela 100", "Rīga", "LV-1011", "LV"))


def payload(ref: str, total: str, approve=True, pay=True) -> ConnectSale:
    document = invoice_14_2(ByCodeOnly(), "", ref=ref)
    steps = AutoSteps(True, approve, True, GATEWAY_ACCOUNT if pay else None,
                      date(2026, 2, 4) if pay else None)
    return ConnectSale(document, BUYER, Decimal(total), Decimal("3.86"), steps)


class ByCodeOnly:
    """Connect lines go by ItemCode: no ItemID is looked up."""

    def find_item_id(self, code: str) -> None:
        return None


def test_a_payload_becomes_an_approved_paid_and_emailed_document(sandbox):
    # Given the sandbox's Connect channel (sales orders)
    client = PayTraqConnectClient(sandbox.connect_url, timeouts=TIMEOUTS)
    # When an order is delivered whose Total and Taxes PayTraq reproduces (§14.2: 22.22, VAT 3.86)
    client.send(payload("M-C-1", "22.22"))
    # Then the document exists once, lines matched by ItemCode, approved, paid, e-mailed
    (sale,) = [s for s in sandbox.state.sales.values() if s.ref == "M-C-1"]
    assert [line.item_id is not None for line in sale.lines] == [True, True]
    assert sale.status == "in_process" and len(sale.messages) == 1
    assert [p.amount for p in sandbox.state.payments.values()] == [Decimal("22.22")]
    assert sandbox.state.clients[sale.client_id].email == "janis@example.lv"


def test_a_total_paytraq_does_not_reproduce_stays_draft_without_payment(sandbox):
    client = PayTraqConnectClient(sandbox.connect_url, timeouts=TIMEOUTS)
    client.send(payload("M-C-2", "22.20"))
    (sale,) = [s for s in sandbox.state.sales.values() if s.ref == "M-C-2"]
    assert sale.status == "draft" and sandbox.state.payments == {}
    assert [m.outcome for m in sandbox.state.connect_messages] == ["mismatch"]


def test_an_unknown_channel_is_refused_without_showing_the_url(sandbox):
    url = sandbox.connect_url.replace("900000000000000001", "123456789012345678")
    with pytest.raises(PermanentError) as refused:
        PayTraqConnectClient(url, timeouts=TIMEOUTS).send(payload("M-C-3", "22.22"))
    assert "404" in str(refused.value) and "123456789012345678" not in str(refused.value)


@pytest.mark.parametrize(("fault", "not_sent"), [(dict(kind="error", status=429), True),
                                                 (dict(kind="error", status=500), False),
                                                 (dict(kind="error", status=303), False),
                                                 (dict(kind="drop_after_write"), False)])
def test_a_delivery_is_reported_not_sent_only_when_paytraq_surely_did_not_take_it(
        sandbox, fault, not_sent):
    # Given a Connect endpoint that refuses every delivery for its pace (429), fails it (500:
    # it may have taken it) or takes it and loses the answer
    client = PayTraqConnectClient(sandbox.connect_url, timeouts=TIMEOUTS,
                                  retry=RetryPolicy(attempts=2, backoff=0.01, jitter=False))
    kind = fault.pop("kind")
    sandbox.controls.inject("POST", r"ext/webhooks/inbox/\d+", kind, times=None, **fault)
    # When an order is delivered, Then it fails, saying "not sent" only after the 429s
    with pytest.raises(SalesInboxError) as failed:
        client.send(payload("M-C-9", "22.22"))
    assert failed.value.write_not_sent is not_sent
    assert isinstance(failed.value, AmbiguousWrite) is not not_sent


def test_a_long_wait_asked_by_connect_is_left_to_the_workers_retry_not_slept_through(sandbox):
    # Given a Connect endpoint that asks to wait ten minutes before the next delivery
    slept = []
    client = PayTraqConnectClient(sandbox.connect_url, timeouts=TIMEOUTS, sleep=slept.append)
    sandbox.controls.inject("POST", r"ext/webhooks/inbox/\d+", "error", status=429, times=None,
                            retry_after=600)
    # When an order is delivered, Then it fails at once, not sent, saying how long to wait
    with pytest.raises(SalesInboxError) as refused:
        client.send(payload("M-C-10", "22.22"))
    assert refused.value.write_not_sent is True and refused.value.retry_after == 600
    assert slept == [] and sandbox.state.connect_messages == []
