"""The order flow over both PayTraq transports: the REST API, and PayTraq Connect (one call per
order into PayTraq's own Sales Inbox, which does the steps; the document read back over REST)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from domain.settings import PayTraqTransport


def use_connect(service) -> None:
    service.configure(paytraq_transport=PayTraqTransport.CONNECT)
    with service.runtime.uow_factory() as uow:
        creds = uow.channels.credentials(service.channel_id)
        uow.channels.set_credentials(service.channel_id, dataclasses.replace(
            creds, paytraq_connect_url=service.paytraq.connect_url))
        uow.commit()


@pytest.mark.parametrize("transport", ["rest", "connect"])
def test_a_paid_order_becomes_one_approved_paid_and_emailed_document(service, transport):
    # Given the sandbox channel on this transport
    if transport == "connect":
        use_connect(service)
    # When a buyer pays an order
    order = service.mozello.place_order([("TT-100", 2)], paid=True, payment_method="gateway")
    service.settle()
    # Then PayTraq holds one approved sales order with the shop's total, its advance and e-mail
    (sale,) = service.sales(order["order_id"])
    assert (sale.sale_type, sale.status) == ("sales_order", "in_process")
    total = Decimal(str(order["total"]))
    assert service.paytraq.state.totals(sale).total == total
    payments = [p for p in service.paytraq.state.payments.values() if p.sale_id == sale.id]
    assert [(p.amount, p.money_account_id) for p in payments] == [(total, "5011")]
    assert len(sale.messages) == 1
    # and the inbox knows the document (for Connect: read back over REST)
    item = service.item(order["order_id"])
    assert item.document is not None and item.document.id == sale.id
    if transport == "connect":
        assert [m.outcome for m in service.paytraq.state.connect_messages] == ["created"]


def test_over_connect_a_mismatch_is_predicted_and_paytraq_keeps_the_draft(service):
    # Given a Connect channel mapping 21 % to the 12 % tax key (PayTraq's VAT will differ)
    use_connect(service)
    service.configure(tax_keys=((Decimal("21"), "100012"), (Decimal("12"), "100012"),
                                (Decimal("0"), "100000")))
    # When a paid order arrives
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    # Then PayTraq's inbox kept the document Draft without payment, and Sales Inbox said why
    (sale,) = service.sales(order["order_id"])
    assert sale.status == "draft"
    assert not [p for p in service.paytraq.state.payments.values() if p.sale_id == sale.id]
    item = service.item(order["order_id"])
    assert item.status.value == "needs_review"
    assert any(r.code.value == "totals_mismatch" for r in item.reasons)


def test_a_connect_channel_keeps_one_client_until_its_credentials_change(service):
    # Given a Connect channel that has sent an order (its client's connection kept open)
    use_connect(service)
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    gateways = service.runtime.gateways
    sent_with = gateways.connect(service.channel_id)
    # Then the next order is sent by the same client, over the connection it keeps
    assert gateways.connect(service.channel_id) is sent_with
    # and a changed Connect URL gets a client of its own
    with service.runtime.uow_factory() as uow:
        creds = uow.channels.credentials(service.channel_id)
        uow.channels.set_credentials(service.channel_id, dataclasses.replace(
            creds, paytraq_connect_url=service.paytraq.connect_url + "?moved"))
        uow.commit()
    assert gateways.connect(service.channel_id) is not sent_with
    assert [m.outcome for m in service.paytraq.state.connect_messages] == ["created"]
    assert service.sales(order["order_id"])


def test_a_paytraq_token_no_request_can_carry_fails_the_order_with_what_to_fix(service):
    # Given the channel's PayTraq token saved with the line break it was pasted with
    bad = service.paytraq.api_token + "\n"
    with service.runtime.uow_factory() as uow:
        creds = uow.channels.credentials(service.channel_id)
        uow.channels.set_credentials(service.channel_id,
                                     dataclasses.replace(creds, paytraq_api_token=bad))
        uow.commit()
    # When a paid order arrives
    order = service.mozello.place_order([("TT-100", 1)], paid=True)
    service.settle()
    # Then nothing reached PayTraq, and the order failed saying which setting to correct
    assert service.sales(order["order_id"]) == []
    item = service.item(order["order_id"])
    assert item.status.value == "failed"
    assert "the channel's PayTraq API token cannot be sent" in item.error
    assert service.paytraq.api_token not in item.error
