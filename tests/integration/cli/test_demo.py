"""`sales-inbox demo`: realistic orders through both sandboxes, and a summary whose every row is
what the Mozello sandbox, the PayTraq sandbox and the inbox hold."""

from __future__ import annotations

from decimal import Decimal

import pytest

from entrypoints.demo.command import DemoService, run_demo


@pytest.fixture
def demo_service():
    service = DemoService.start()
    try:
        yield service
    finally:
        service.stop()


def by_scenario(rows: list[dict]) -> dict[str, dict]:
    return {row["scenario"]: row for row in rows}


def test_every_demo_row_is_what_the_sandboxes_and_the_inbox_hold(demo_service):
    # Given the demo service
    # When the demo orders run through it
    rows = run_demo(demo_service)
    # Then each row repeats Mozello's order, PayTraq's documents, payments and e-mails
    paytraq = demo_service.sandboxes.paytraq.state
    mozello = demo_service.sandboxes.mozello.state
    assert len(rows) == 7
    for row in rows:
        order = mozello.orders[row["order_id"]].data
        sales = [s for s in paytraq.sales.values() if s.ref == row["order_id"]]
        assert Decimal(row["mozello_total"]) == Decimal(str(order["total"]))
        assert row["customer_email"] == order["email"]
        assert row["paytraq_documents"] == len(sales) <= 1
        assert row["inbox_status"] == demo_service.item(row["order_id"]).status.value
        if not sales:
            assert row["paytraq_total"] is row["payment_amount"] is row["emailed_to"] is None
            continue
        (sale,) = sales
        payments = [p for p in paytraq.payments.values() if p.sale_id == sale.id]
        assert (row["paytraq_document_type"], row["paytraq_document_status"]) == (
            sale.sale_type, sale.status)
        assert Decimal(row["paytraq_total"]) == paytraq.totals(sale).total
        assert row["payment_amount"] == (
            f"{sum(p.amount for p in payments):.2f}" if payments else None)
        assert row["emailed_to"] == (sale.messages[-1].to if sale.messages else None)


def test_the_demo_shows_each_case_with_its_reason(demo_service):
    # Given the demo service
    # When the demo orders run through it
    rows = by_scenario(run_demo(demo_service))
    paytraq = demo_service.sandboxes.paytraq.state
    # Then matching totals went all the way: approved order, overpayment, e-mail
    matching = rows["matching totals"]
    assert (matching["inbox_status"], matching["paytraq_document_status"]) == (
        "emailed", "in_process")
    assert matching["mozello_total"] == matching["paytraq_total"] == matching["payment_amount"]
    # and per-line VAT rounding is exactly one cent off PayTraq's: Draft, no payment, no e-mail
    rounding = rows["VAT rounding"]
    assert Decimal(rounding["mozello_total"]) - Decimal(rounding["paytraq_total"]) == Decimal(
        "0.01")
    assert (rounding["inbox_status"], rounding["paytraq_document_status"]) == (
        "needs_review", "draft")
    assert rounding["payment_amount"] is None and rounding["emailed_to"] is None
    assert rounding["reason"] == (
        f"VAT rounding: shop {rounding['mozello_total']}, PayTraq {rounding['paytraq_total']} "
        "— document left Draft (Melnraksts), no payment")
    # and the gift card's SKU is unknown to PayTraq: no document
    gift = rows["unknown SKU"]
    assert (gift["inbox_status"], gift["paytraq_documents"]) == ("needs_review", 0)
    assert "unknown SKU GC-25" in gift["reason"]
    # and the unpaid bank transfer waits for its payment
    transfer = rows["unpaid bank transfer"]
    assert (transfer["inbox_status"], transfer["mozello_payment_status"],
            transfer["paytraq_documents"]) == ("received", "pending", 0)
    assert "waits for the payment" in transfer["reason"]
    # and the variant went through under its own SKU
    variant = rows["variant product"]
    (sale,) = [s for s in paytraq.sales.values() if s.ref == variant["order_id"]]
    assert [paytraq.product(line.item_id).code for line in sale.lines] == ["SW-200-BL-M"]
    assert variant["inbox_status"] == "emailed"
    # and the repeat customer's two orders share one PayTraq client
    first, second = rows["repeat customer (1st)"], rows["repeat customer (2nd)"]
    assert first["paytraq_client_id"] == second["paytraq_client_id"] is not None
    assert [c.id for c in paytraq.clients.values() if c.email == first["customer_email"]] == [
        first["paytraq_client_id"]]
    assert f"repeat customer: same PayTraq client {first['paytraq_client_id']}" in (
        second["reason"])
