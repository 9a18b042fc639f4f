"""Writes whose shape the public evidence leaves open (DECISIONS R1, R2, R4), against a PayTraq
sandbox that takes exactly one shape: refused shape → next shape → remembered; a remembered
shape goes first; a lost answer → exactly one effect."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from adapters.paytraq import bodies
from adapters.paytraq.sandbox.dialect import WireDialect
from adapters.paytraq.sandbox.faults import SandboxControls
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.paytraq.sandbox.state import SandboxState
from application.errors import PermanentError
from application.ports import PaymentRequest, WriteDialect
from domain.paytraq_totals import TaxKey
from tests.integration.paytraq.scenario import (
    GATEWAY_ACCOUNT,
    SHORT_TIMEOUTS,
    client_for,
    invoice_14_2,
    new_client,
)

pytestmark = pytest.mark.integration

# (sandbox dialect, the sale root and payment form the client must end up with)
DIALECTS = {
    "data_root_date_paid": (WireDialect.strict("Data", "DatePaid", "Amount"), "Data", "date_paid"),
    "sale_root_payment_amount": (WireDialect.strict("Sale", "PaymentDate", "PaymentAmount"),
                                 "Sale", "payment_amount"),
}


@pytest.fixture(params=sorted(DIALECTS))
def strict(request):
    dialect, root, form = DIALECTS[request.param]
    sandbox = PayTraqSandbox(SandboxState.from_file(), controls=SandboxControls(rate_limit=None),
                             dialect=dialect).start()
    yield sandbox, root, form
    sandbox.stop()


def posts(sandbox, path_end: str) -> list[int]:
    return [s.status for s in sandbox.controls.seen if s.method == "POST" and s.path.endswith(path_end)]


def payment(ref: str) -> PaymentRequest:
    return PaymentRequest(Decimal("22.22"), date(2026, 2, 4), GATEWAY_ACCOUNT, "Payment Gateway", ref)


def test_a_sale_refused_in_one_shape_is_created_in_the_next_and_the_shape_is_remembered(strict):
    # Given a PayTraq that takes one root of POST sale, and a client that knows none yet
    sandbox, root, _ = strict
    learned: list[WriteDialect] = []
    paytraq = client_for(sandbox, on_learned=learned.append)
    client_id = new_client(paytraq)
    # When two sales are created
    paytraq.create_sale(invoice_14_2(paytraq, client_id, ref="M-1-1"))
    paytraq.create_sale(invoice_14_2(paytraq, client_id, ref="M-1-2"))
    # Then each exists once, the working root was reported once, and the second went straight to it
    assert sorted(s.ref for s in sandbox.state.sales.values()) == ["M-1-1", "M-1-2"]
    assert learned == [WriteDialect(sale_root=root)]
    assert posts(sandbox, "sale") == ([400, 200, 200] if root == "Data" else [200, 200])


def test_a_payment_refused_in_one_form_is_booked_in_the_next_and_the_form_is_remembered(strict):
    # Given a posted invoice in a PayTraq that takes one payment body
    sandbox, _, form = strict
    learned: list[WriteDialect] = []
    paytraq = client_for(sandbox, on_learned=learned.append)
    sale_id = paytraq.create_sale(invoice_14_2(paytraq, new_client(paytraq), ref="M-2-1"))
    paytraq.post_sale(sale_id)
    # When the payment is booked
    receipt = paytraq.add_payment(sale_id, payment("M-2-1"))
    # Then it is booked once, in the form PayTraq takes, and that form is remembered
    assert [p.amount for p in sandbox.state.payments.values()] == [Decimal("22.22")]
    assert receipt.amount == Decimal("22.22")
    assert WriteDialect(payment_form=form) in learned
    assert paytraq.write_dialect.payment_form == form
    assert posts(sandbox, "/payment")[-1] == 200 and set(posts(sandbox, "/payment")[:-1]) <= {400}


def test_a_remembered_shape_is_sent_first(strict):
    # Given a client that remembers the channel's shapes
    sandbox, root, form = strict
    paytraq = client_for(sandbox, dialect=WriteDialect(root, form))
    # When a sale is created and paid
    sale_id = paytraq.create_sale(invoice_14_2(paytraq, new_client(paytraq), ref="M-3-1"))
    paytraq.post_sale(sale_id)
    paytraq.add_payment(sale_id, payment("M-3-1"))
    # Then PayTraq refused nothing
    assert 400 not in [s.status for s in sandbox.controls.seen]


def test_a_refusal_of_the_values_in_a_remembered_shape_is_final(strict):
    # Given a client that knows the shape, and a sale for a client PayTraq does not have
    sandbox, root, form = strict
    paytraq = client_for(sandbox, dialect=WriteDialect(root, form))
    # When it is created, Then PayTraq's refusal is reported after one POST
    with pytest.raises(PermanentError, match="Client 404404 not found"):
        paytraq.create_sale(invoice_14_2(paytraq, "404404", ref="M-4-1"))
    assert posts(sandbox, "sale") == [400]


@pytest.mark.parametrize("how", ["close", "500"])
def test_a_lost_sale_answer_is_found_by_the_date_listing_when_query_misses_the_ref(strict, how):
    # Given a PayTraq whose sales?query= does not match DocumentRef, losing the answer of a create
    sandbox, root, form = strict
    paytraq = client_for(sandbox, dialect=WriteDialect(root, form))
    document = invoice_14_2(paytraq, new_client(paytraq), ref="M-5-1")
    sandbox.controls.inject("POST", "sale", "drop_after_write", how=how,
                            seconds=SHORT_TIMEOUTS.read * 2)
    # When the client creates the sale
    sale_id = paytraq.create_sale(document)
    # Then the bounded listing by document date found it: one sale, its id returned
    assert [s.id for s in sandbox.state.sales.values() if s.ref == "M-5-1"] == [sale_id]
    assert any(s.path == "sales" for s in sandbox.controls.seen)


def test_a_strict_sandbox_refuses_the_other_root_and_unknown_payment_elements(strict):
    # Given the strict sandbox and a client forced to the wrong shapes
    sandbox, root, form = strict
    other_root = "Sale" if root == "Data" else "Data"
    other_form = "amount" if form != "amount" else "date_paid"
    paytraq = client_for(sandbox, dialect=WriteDialect(other_root, other_form))
    document = invoice_14_2(paytraq, new_client(paytraq), ref="M-6-1")
    # When each is sent as is, past the tolerant path, Then PayTraq answers 400 naming the body
    with pytest.raises(PermanentError, match=r"(?i)expected .* body"):
        paytraq.http.post("sale", bodies.sale_body(document, other_root))
    sale_id = paytraq.create_sale(document)
    paytraq.post_sale(sale_id)
    with pytest.raises(PermanentError, match=r"Unknown element <\w+> in <Payment>"):
        paytraq.http.post(f"sale/{sale_id}/payment", bodies.payment_body(payment("M-6-1"), other_form))


# --- a PayTraq whose refusal of the shape names nothing ("Bad request") ----------------------
@pytest.fixture(params=["Data", "Sale"])
def vague(request):
    """A strict sandbox taking one root of POST sale, refusing the other with a bare 400."""
    dialect = replace(WireDialect.strict(request.param), vague_shape_refusals=True)
    sandbox = PayTraqSandbox(SandboxState.from_file(), controls=SandboxControls(rate_limit=None),
                             dialect=dialect).start()
    yield sandbox, request.param
    sandbox.stop()


def with_unknown_tax_key(document):
    unknown = TaxKey("999999", "VAT 21%", Decimal(21))
    return replace(document, lines=tuple(replace(line, tax_key=unknown) for line in document.lines))


def test_a_bare_400_before_the_root_is_learned_tries_the_other_root_once_and_remembers(vague):
    # Given a PayTraq that refuses the other root with a bare "Bad request", and a new channel
    sandbox, root = vague
    learned: list[WriteDialect] = []
    paytraq = client_for(sandbox, on_learned=learned.append)
    client_id = new_client(paytraq)
    # When two sales are created
    paytraq.create_sale(invoice_14_2(paytraq, client_id, ref="M-7-1"))
    paytraq.create_sale(invoice_14_2(paytraq, client_id, ref="M-7-2"))
    # Then each exists once; the root was learned at the cost of one refused call at most
    assert sorted(s.ref for s in sandbox.state.sales.values()) == ["M-7-1", "M-7-2"]
    assert learned == [WriteDialect(sale_root=root)]
    assert posts(sandbox, "sale") == ([400, 200, 200] if root == "Data" else [200, 200])


def test_when_both_roots_are_refused_the_error_gives_paytraqs_message_for_each(vague):
    # Given a new channel and a sale PayTraq refuses in its own root too (an unknown tax key)
    sandbox, root = vague
    paytraq = client_for(sandbox)
    document = with_unknown_tax_key(invoice_14_2(paytraq, new_client(paytraq), ref="M-8-1"))
    # When it is created, Then both roots were tried once and the error quotes each answer
    with pytest.raises(PermanentError) as refused:
        paytraq.create_sale(document)
    assert posts(sandbox, "sale") == [400, 400] and sandbox.state.sales == {}
    message = str(refused.value)
    other = "Data" if root == "Sale" else "Sale"
    assert f"as {other}: Bad request" in message and "tax key 999999 not found" in message
    assert paytraq.write_dialect.sale_root is None  # nothing learned from two refusals


def test_once_the_root_is_learned_a_bare_400_costs_one_call(vague):
    # Given a channel that learned its root, and a sale PayTraq refuses (an unknown tax key)
    sandbox, root = vague
    paytraq = client_for(sandbox, dialect=WriteDialect(sale_root=root))
    document = with_unknown_tax_key(invoice_14_2(paytraq, new_client(paytraq), ref="M-9-1"))
    # When it is created, Then PayTraq's refusal is final after one POST, in the learned root
    with pytest.raises(PermanentError, match="tax key 999999 not found"):
        paytraq.create_sale(document)
    assert posts(sandbox, "sale") == [400]
