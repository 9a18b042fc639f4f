"""`sales-inbox inbox connect ORDER_ID --delivered|--not-delivered`: a person settles an order
whose delivery to PayTraq Connect may or may not have been taken (the HTTP sandbox losing the
answer), on a channel without REST credentials to look with. Never two deliveries by doubt."""

from __future__ import annotations

import dataclasses
import json

import pytest

from application.errors import TransientError
from entrypoints.runtime import get_runtime
from tests.integration.cli.conftest import invoke
from tests.integration.cli.test_inbox_commands import deliver, sales, shop  # noqa: F401

CONNECT_PATH = r"ext/webhooks/inbox/\d+"


def connect_only(shop) -> None:  # noqa: F811
    """The channel on PayTraq Connect, its REST credentials removed."""
    assert invoke("channel", "configure", shop.channel_id, "--paytraq-transport", "connect",
                  "--paytraq-connect-url", shop.paytraq.connect_url).exit_code == 0
    with get_runtime().uow_factory() as uow:
        creds = uow.channels.credentials(shop.channel_id)
        uow.channels.set_credentials(shop.channel_id, dataclasses.replace(
            creds, paytraq_api_key="", paytraq_api_token=""))
        uow.commit()


def posts(shop) -> list[int]:  # noqa: F811
    return [s.status for s in shop.paytraq.controls.seen
            if s.method == "POST" and s.path.startswith("ext/webhooks/inbox/")]


def reasons(order_id: str) -> list[str]:
    detail = json.loads(invoke("inbox", "show", order_id, "--json").stdout)
    return [r["code"] for r in detail["reason_details"]]


@pytest.mark.parametrize(("taken", "answer"), [(True, "--delivered"),
                                               (False, "--not-delivered")])
def test_a_lost_connect_answer_is_settled_by_a_persons_answer(shop, taken, answer):  # noqa: F811
    # Given a Connect-only channel, and PayTraq Connect answering badly: the order taken and
    # the connection dropped, or a 500 without taking it
    connect_only(shop)
    fault = (dict(kind="drop_after_write", how="close") if taken
             else dict(kind="error", status=500))
    shop.paytraq.controls.inject("POST", CONNECT_PATH, **fault)
    order = deliver(shop, [("TT-100", 1)], paid=True)
    order_id = order["order_id"]
    with pytest.raises(TransientError):  # the real command prints it as one line
        invoke("inbox", "process", order_id)
    # When it is tried again, Then it is not delivered again: a person is asked
    invoke("inbox", "process", order_id)
    assert reasons(order_id) == ["connect_uncertain"]
    assert len(posts(shop)) == 1
    # When the person, having looked in PayTraq's Sales Inbox, answers
    result = invoke("inbox", "connect", order_id, "--question", "1.0", answer)
    # Then the order is sent, and PayTraq holds exactly one document of it
    assert result.exit_code == 0 and result.stdout.strip() == f"{order_id}: sent"
    assert len(sales(shop, order_id)) == 1
    assert posts(shop) == ([0] if taken else [500, 200])
