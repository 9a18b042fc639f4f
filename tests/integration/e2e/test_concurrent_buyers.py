"""One buyer, one PayTraq client, even when a new buyer's orders are processed at the same
moment by different workers (issue 13, defect 1)."""

from collections import Counter


def test_a_new_buyers_orders_processed_together_create_one_client(service):
    # Given PayTraq is slow to create a client (widening the window for a race)
    service.paytraq.controls.rate_limit = None
    service.paytraq.controls.inject("POST", "client", "latency", seconds=0.3, times=None)
    # When four new buyers each place two paid orders in the same second
    buyers = [f"buyer{n}@example.com" for n in range(4)]
    for email in buyers:
        for _ in range(2):
            service.mozello.place_order([("TT-100", 1)], {"email": email, "name": email},
                                        paid=True)
    service.settle()
    # Then each buyer is exactly one PayTraq client, and every order has its document
    clients = Counter(c.email for c in service.paytraq.state.clients.values())
    assert {email: clients[email] for email in buyers} == {email: 1 for email in buyers}
    assert len([s for s in service.paytraq.state.sales.values()]) == 8
