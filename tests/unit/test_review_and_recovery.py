"""Orders that cannot go through on their own stay visible with their reason, and a person
(or a retry) takes them further once the cause is fixed."""

from dataclasses import replace
from decimal import Decimal

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
    assert sale.total == D("5.69")
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
