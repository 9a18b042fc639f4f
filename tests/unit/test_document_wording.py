"""What the accountant reads on the PayTraq document: line descriptions, the comment, and the
reasons an order is held — each exactly as the PayTraq channel writes them."""

from dataclasses import replace
from decimal import Decimal

from domain.documents import DocumentDraft, build_document, document_comment, line_description
from domain.orders import Address
from domain.review import ReasonCode, ReviewReason
from domain.settings import UnknownSkuPolicy
from tests.unit.builders import TAX_KEYS, line, order, settings

D = Decimal
KEYS = {k.id: k for k in TAX_KEYS}


def build(snapshot, items, **overrides):
    return build_document(snapshot, settings(**overrides), "c1", items, KEYS,
                          snapshot.created_at.date())


def test_a_name_that_does_not_end_in_its_sku_keeps_all_of_it():
    assert line_description(line("TT-100", "1", name="Linen towel")) == "Linen towel [TT-100]"


def test_spaces_around_a_mozello_name_are_trimmed_before_the_sku_is_taken_off():
    assert line_description(line("TT-100", "1", name="  Towel, TT-100  ")) == "Towel [TT-100]"


def test_a_line_without_a_sku_is_described_by_its_name_alone():
    assert line_description(line("", "1", name="Gift wrapping")) == "Gift wrapping"


def test_the_comment_names_the_payment_methods_details_when_mozello_gives_them():
    snapshot = replace(order(method="banktransfer"), payment_method_details="  Swedbank  ")
    assert document_comment(snapshot) == "M-1234567-101, Swedbank"


def test_blank_payment_details_and_a_blank_note_leave_the_method_name_alone():
    snapshot = replace(order(method="banktransfer", notes="   "), payment_method_details="  ")
    assert document_comment(snapshot) == "M-1234567-101, Bank Transfer"


def test_an_unknown_payment_method_is_named_as_mozello_calls_it():
    assert document_comment(order(method="crypto")) == "M-1234567-101, crypto"


def test_an_unknown_sku_is_named_in_the_reason_with_its_line():
    draft = build(order(lines=(line("XX-9", "5.00", name="Mug"),)), items={"XX-9": None})
    (problem,) = draft.problems
    assert problem.code is ReasonCode.UNKNOWN_SKU
    assert problem.message == "SKU XX-9 of 'Mug' is not a PayTraq product code"
    assert problem.detail("sku") == "XX-9"


def test_a_line_without_a_sku_is_held_as_an_unknown_product_by_default():
    draft = build(order(lines=(line("", "5.00", name="Mug"),)), items={})
    (problem,) = draft.problems
    assert problem.message == "SKU (no SKU) of 'Mug' is not a PayTraq product code"


def test_a_known_sku_is_not_held_and_carries_its_paytraq_item():
    draft = build(order(), items={"TT-100": "830792"}, unknown_sku=UnknownSkuPolicy.HOLD)
    assert draft.ok
    assert [(ln.sku, ln.item_id) for ln in draft.document.lines] == [("TT-100", "830792")]


def test_a_draft_with_problems_is_not_ready_even_with_a_document():
    document = build(order(), items={"TT-100": "1"}).document
    problem = ReviewReason.of(ReasonCode.UNKNOWN_SKU, "x")
    assert DocumentDraft(document).ok
    assert not DocumentDraft(document, (problem,)).ok
    assert not DocumentDraft(None).ok


def test_the_delivery_address_is_the_billing_address_when_mozello_has_none():
    snapshot = order()
    doc = build(snapshot, items={"TT-100": "1"}).document
    assert doc.delivery_address == snapshot.customer.billing_address
    other = Address("Pasta iela 5", "Jelgava", "LV-3001", "LV")
    doc = build(replace(snapshot, delivery_address=other), items={"TT-100": "1"}).document
    assert doc.delivery_address == other


def test_the_buyers_note_is_added_to_the_comment_trimmed():
    assert document_comment(order(notes="  Call before delivery \n")) == (
        "M-1234567-101, Payment Gateway, Call before delivery")
