"""An order placed in the Mozello sandbox ends as the right PayTraq document, payment and
e-mail in the PayTraq sandbox — through the signed webhook, or through the catch-up poll."""

from decimal import Decimal

from application.commands import PollOrders
from domain.settings import DocumentType


def test_a_paid_order_becomes_an_approved_sales_order_with_an_overpayment_and_an_email(service):
    # Given the sandbox channel (sales order, approve, add payment, send e-mail all on)
    # When a buyer pays a gateway order in the Mozello sandbox
    order = service.mozello.place_order([("TT-100", 2)], paid=True, payment_method="gateway")
    service.settle()
    # Then PayTraq holds exactly one approved sales order with the shop's total
    (sale,) = service.sales(order["order_id"])
    assert sale.sale_type == "sales_order"
    assert sale.status == "in_process"
    assert service.paytraq.state.totals(sale).total == Decimal(str(order["total"]))
    # and the payment went to the merchant account as the client's advance, and it was e-mailed
    payments = [service.paytraq.state.payments[p] for p in sale.payment_ids] or [
        p for p in service.paytraq.state.payments.values() if p.sale_id == sale.id
    ]
    assert [(p.amount, p.money_account_id) for p in payments] == [
        (Decimal(str(order["total"])), "5011")
    ]
    assert len(sale.messages) == 1
    item = service.item(order["order_id"])
    assert item.status.value == "emailed"


def test_duplicate_webhooks_do_not_repeat_any_step(service):
    service.mozello.state.webhooks.duplicates = 3
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    (sale,) = service.sales(order["order_id"])
    assert len(sale.messages) == 1
    assert len([p for p in service.paytraq.state.payments.values() if p.sale_id == sale.id]) == 1


def test_an_invoice_channel_posts_and_pays_the_invoice(service):
    service.configure(document_type=DocumentType.SALES_INVOICE)
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    (sale,) = service.sales(order["order_id"])
    assert (sale.sale_type, sale.status) == ("sales_invoice", "paid")


def test_an_unpaid_bank_transfer_waits_for_the_payment(service):
    order = service.mozello.place_order([("TT-100", 1)], paid=False, payment_method="banktransfer")
    service.settle()
    assert service.sales(order["order_id"]) == []
    assert service.item(order["order_id"]).status.value == "received"
    service.mozello.mark_paid(order["order_id"])
    service.settle()
    (sale,) = service.sales(order["order_id"])
    assert sale.status == "in_process"


def test_a_dropped_webhook_is_caught_up_by_the_poll(service):
    # Given Mozello loses every notification
    service.mozello.state.webhooks.drop = True
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    assert service.item(order["order_id"]) is None
    # When the catch-up poll runs
    service.runtime.bus().handle(PollOrders(service.channel_id))
    service.join()
    # Then the order went through as if the webhook had come
    (sale,) = service.sales(order["order_id"])
    assert sale.status == "in_process"
    assert service.item(order["order_id"]).status.value == "emailed"
    # and a second poll changes nothing
    service.runtime.bus().handle(PollOrders(service.channel_id))
    service.join()
    assert len(service.sales(order["order_id"])) == 1


def test_every_outside_call_is_in_the_audit_log_without_secrets(service):
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    service.runtime.gateways.flush_audit()
    with service.runtime.uow_factory() as uow:
        entries = uow.audit.recent(service.channel_id, limit=200)
    # Then each PayTraq call of the order's flow is there, once, with its answer's status (the
    # order came by webhook, so Mozello was not called; a fresh order is not looked up by its
    # DocumentRef: nothing was written for it before)
    (sale,) = service.sales(order["order_id"])
    doc = f"sale/{sale.id}"
    assert sorted((e.api, e.method, e.path, e.status) for e in entries) == sorted(
        [("paytraq", "GET", path, 200) for path in ("clients", "products", doc, "taxKeys")]
        + [("paytraq", "POST", path, 200)
           for path in ("client", "sale", f"{doc}/approve", f"{doc}/payment", f"{doc}/send")]
    )
    assert all(e.duration_ms >= 0 and e.channel_id == service.channel_id for e in entries)
    secrets = (service.paytraq.api_key, service.paytraq.api_token, service.mozello.api_key)
    assert not any(s in repr(e) for e in entries for s in secrets)


def test_a_repeat_customers_order_costs_no_client_or_product_lookups(service):
    first = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    second = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    cost_first = service.item(first["order_id"]).paytraq_calls
    cost_second = service.item(second["order_id"]).paytraq_calls
    # the client search and creation, the product lookup and the tax keys are cached
    assert cost_second <= cost_first - 4
    assert len(service.paytraq.state.clients) == 1


def test_metrics_count_inbox_items_and_worker_messages(service):
    import requests

    service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    text = requests.get(f"{service.base_url}/metrics", headers=service.metrics_headers,
                        timeout=10).text
    assert 'sales_inbox_items{channel="sandbox",status="emailed"} 1' in text
    assert 'sales_inbox_messages_total{actor="process_order",outcome="processed"}' in text
    assert 'sales_inbox_message_seconds_total{actor="receive_deliveries"}' in text
