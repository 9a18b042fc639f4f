"""Orders that cannot go through on their own stay visible with their reason, and a person
(or a retry) takes them further once the cause is fixed."""

from dataclasses import replace
from decimal import Decimal

import pytest

from application.errors import PermanentError
from domain.orders import Customer
from domain.settings import DocumentType
from tests.unit.builders import line, order, pipeline, settings

D = Decimal
ALL_ON = dict(approve=True, add_payment=True, send_email=True)


def test_unknown_sku_holds_the_order_until_the_product_exists_in_paytraq():
    flow = pipeline(settings(**ALL_ON), skus=())
    flow.receive(order())
    item = flow.item()
    assert item.status.value == "needs_review"
    assert item.reasons[0].code.value == "unknown_sku"
    assert flow.sales() == []
    # When the accountant adds the product and processes the order again
    flow.accounting.add_product("TT-100")
    flow.process(item.order_id)
    assert flow.item().status.value == "emailed"
    assert len(flow.sales()) == 1


def test_a_totals_mismatch_keeps_the_document_draft_and_says_why():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(total="24.25"))
    (sale,) = flow.sales()
    assert sale.status == "draft" and sale.payments == [] and sale.emailed_to == []
    assert flow.accounting.overpayments == []
    (reason,) = flow.item().reasons
    assert reason.code.value == "totals_mismatch"
    assert reason.detail("shop_total") == "24.25" and reason.detail("paytraq_total") == "24.20"
    assert "stays Draft" in reason.message


def test_a_mismatch_fixed_in_paytraq_lets_the_order_continue_on_reprocess():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(total="24.25"))
    (sale,) = flow.sales()
    # When the accountant corrects the draft in PayTraq so it totals what the shop charged
    fixed = sale.document.lines[0]
    sale.document = replace(sale.document, lines=(replace(fixed, price=D("24.25")),))
    flow.process("M-1234567-101")
    assert sale.status == "in_process"
    assert flow.item().status.value == "emailed"


def test_a_rounding_difference_within_the_limit_is_adjusted_and_the_order_goes_through():
    nets = ["1.03", "1.12", "1.18", "1.36"]  # the shop rounds VAT per line: 0.02 more
    lines = tuple(line(f"S{i}", n, inclusive=False) for i, n in enumerate(nets))
    flow = pipeline(settings(rounding_limit=D("0.02"), **ALL_ON), skus=("S0", "S1", "S2", "S3"))
    flow.receive(order(lines=lines, total="5.69", taxes="1.00"))
    (sale,) = flow.sales()
    assert flow.accounting.find_sale_by_ref(sale.document.document_ref).total == D("5.69")
    assert [(a.type.value, a.amount) for a in sale.document.adjustments] == [("charge", D("0.02"))]
    assert flow.item().status.value == "emailed"


def test_an_unmapped_payment_method_is_reported_and_the_rest_still_happens():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(method="cod"))
    (sale,) = flow.sales()
    assert sale.status == "in_process" and sale.emailed_to == ["anna@example.com"]
    assert flow.accounting.overpayments == []
    item = flow.item()
    assert item.status.value == "needs_review"
    assert "'cod'" in item.reasons[0].message


def test_a_buyer_without_any_name_is_client_data_invalid():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(customer=Customer(name="", email="x@example.com")))
    assert flow.item().reasons[0].code.value == "client_data_invalid"
    assert flow.sales() == []


def test_a_permanent_paytraq_error_fails_the_item_visibly_and_a_retry_completes_it():
    flow = pipeline(settings(**ALL_ON))
    flow.accounting.fail("approve_sale", PermanentError("Warehouse is closed"))
    flow.receive(order())
    item = flow.item()
    assert item.status.value == "failed"
    assert item.error == "Warehouse is closed"
    flow.process(item.order_id)
    assert flow.item().status.value == "emailed"
    assert len(flow.sales()) == 1


def test_auto_processing_off_leaves_orders_in_the_inbox_until_a_person_processes_them():
    flow = pipeline(settings(auto_process=False, **ALL_ON))
    flow.receive(order())
    assert flow.item().status.value == "received" and flow.sales() == []
    flow.process("M-1234567-101")
    assert flow.item().status.value == "emailed"


def test_per_method_trigger_override_processes_bank_transfers_on_receipt():
    from domain.settings import Trigger

    flow = pipeline(
        settings(trigger_overrides=(("banktransfer", Trigger.RECEIVED),),
                 document_type=DocumentType.SALES_INVOICE, **ALL_ON)
    )
    flow.receive(order(paid=False, method="banktransfer"), event="ORDER_CREATED")
    (sale,) = flow.sales()
    assert sale.status == "wait_payment" and sale.emailed_to == ["anna@example.com"]


def test_a_repeat_customer_is_found_not_created_again():
    flow = pipeline(settings(**ALL_ON))
    flow.receive(order(order_id="M-1"))
    flow.receive(order(order_id="M-2"))
    assert len(flow.accounting.clients) == 1
    calls_before = flow.accounting.calls.count("search_clients")
    flow.receive(order(order_id="M-3"))
    assert flow.accounting.calls.count("search_clients") == calls_before  # cached


def test_clients_are_matched_by_registration_number_before_vat_and_email():
    flow = pipeline(settings(**ALL_ON))
    from application.ports import NewClient

    by_email = flow.accounting.create_client(NewClient("Other", 1, email="janis@example.lv"))
    by_reg = flow.accounting.create_client(
        NewClient("Kalniņš SIA", 2, registration_number="40003123456")
    )
    buyer = Customer("Jānis", "janis@example.lv", company="Kalniņš SIA",
                     registration_number="40003 123 456", vat_number="LV40003123456")
    flow.receive(order(customer=buyer))
    (sale,) = flow.sales()
    assert sale.document.client_id == by_reg != by_email


def test_raising_the_rounding_limit_later_does_not_pass_an_existing_mismatched_document():
    # Given a document created while the rounding limit was off: 0.02 short of the shop total
    nets = ["1.03", "1.12", "1.18", "1.36"]
    lines = tuple(line(f"S{i}", n, inclusive=False) for i, n in enumerate(nets))
    flow = pipeline(settings(document_type=DocumentType.SALES_INVOICE, **ALL_ON),
                    skus=("S0", "S1", "S2", "S3"))
    flow.receive(order(lines=lines, total="5.69", taxes="1.00"))
    assert flow.item().status.value == "needs_review"
    # When the limit is raised and the order processed again
    with flow_uow(flow) as uow:
        channel = uow.channels.get("shop-1")
        uow.channels.update(replace(channel, settings=replace(channel.settings,
                                                              rounding_limit=D("0.02"))))
        uow.commit()
    flow.process("M-1234567-101")
    # Then the existing 5.67 document is still held: no posting, payment or e-mail
    (sale,) = flow.sales()
    assert (sale.status, sale.payments, sale.emailed_to) == ("draft", [], [])
    assert flow.item().status.value == "needs_review"


def test_a_voided_document_is_neither_paid_nor_emailed():
    flow = pipeline(settings(trigger="received", approve=False, add_payment=True,
                             send_email=True))
    flow.receive(order(paid=False), event="ORDER_CREATED")
    (sale,) = flow.sales()
    flow.accounting.void_sale(sale.id)
    flow.receive(order(paid=True), event="PAYMENT_CHANGED")
    assert flow.accounting.overpayments == [] and sale.emailed_to == []
    item = flow.item()
    assert item.status.value == "needs_review"
    assert item.reasons[0].code.value == "document_voided"


def test_an_order_paid_while_draft_can_still_be_approved_and_emailed_later():
    # Given a sales order paid (overpayment) while Approve/Post is off
    flow = pipeline(settings(approve=False, add_payment=True, send_email=True))
    flow.receive(order(paid=True))
    (sale,) = flow.sales()
    assert flow.item().status.value == "paid" and sale.status == "draft"
    # When the accountant approves it in PayTraq and the order is processed again
    flow.accounting.approve_sale(sale.id)
    flow.process("M-1234567-101")
    # Then the inbox records the approval and sends the e-mail
    assert sale.emailed_to == ["anna@example.com"]
    assert flow.item().status.value == "emailed"


def test_a_late_older_snapshot_does_not_undo_the_payment():
    flow = pipeline(settings(auto_process=False, **ALL_ON))
    flow.receive(order(paid=False), event="ORDER_CREATED")
    flow.receive(order(paid=True), event="PAYMENT_CHANGED")
    # an older DISPATCH_CHANGED, still pending, delivered late
    flow.receive(replace(order(paid=False), dispatched=True), event="DISPATCH_CHANGED")
    item = flow.item()
    assert item.order.is_paid and item.order.dispatched
    flow.process("M-1234567-101")
    assert len(flow.accounting.overpayments) == 1


def test_a_manual_process_that_timed_out_is_retried_by_the_workers():
    from adapters.memory.accounting import transient
    from application.errors import TransientError

    flow = pipeline(settings(auto_process=False, **ALL_ON))
    flow.receive(order())
    flow.accounting.fail("create_sale", transient())
    # When a person processes it and PayTraq does not answer, the error reaches the caller
    # (so the message is retried) and the item shows the failure
    with pytest.raises(TransientError, match="did not answer in time"):
        flow.process("M-1234567-101")
    assert flow.item().status.value == "failed"
    assert flow.sales() == []
    # When the worker (or the sweeper) retries the message, not marked manual
    flow.process("M-1234567-101", manual=False)
    assert flow.item().status.value == "emailed"


def test_deleting_a_paid_draft_order_is_flagged_not_silently_voided():
    flow = pipeline(settings(approve=False, add_payment=True))
    flow.receive(order(paid=True))
    flow.receive(order(paid=True), event="ORDER_DELETED")
    (sale,) = flow.sales()
    assert sale.status == "draft"
    item = flow.item()
    assert item.status.value == "needs_review"
    assert item.reasons[0].code.value == "deleted_after_payment"


def flow_uow(flow):
    from adapters.memory.uow import InMemoryUnitOfWork

    return InMemoryUnitOfWork(flow.store)


def test_orders_placed_before_automatic_processing_was_switched_on_wait_for_a_person():
    from datetime import UTC, datetime

    # Given automatic processing switched on after the order was placed (2026-01-15 09:12)
    flow = pipeline(settings(auto_process_since=datetime(2026, 2, 1, tzinfo=UTC), **ALL_ON))
    flow.receive(order())
    assert flow.sales() == [] and flow.item().status.value == "received"
    # and a person can still process it
    flow.process("M-1234567-101")
    assert flow.item().status.value == "emailed"


def test_a_refused_document_makes_its_skus_be_looked_up_afresh():
    from application.errors import PermanentError

    flow = pipeline(settings(**ALL_ON))
    flow.accounting.fail("create_sale", PermanentError("Item 900001 not found"))
    flow.receive(order())
    assert flow.item().status.value == "failed"
    assert flow.accounting.forgotten == ["TT-100"]
