"""PayTraq Connect in the sandbox (paytraq-api.md §9.1–§9.4, DECISIONS R6):
`POST /ext/webhooks/inbox/{ChannelID}` with the `<Sale>` payload. Like PayTraq's Sales Inbox it
keeps the message, finds or creates the client (registration number, e-mail, name), matches
lines by `ItemCode`, creates the document of the channel's type, compares its own totals with
the payload's `Total` and `Taxes` — a mismatch leaves the document Draft without payment (§9.4)
— and otherwise does what `AutoProcessing` asks: approve/post, add the payment (a sales order's
becomes the client's overpayment), send it by e-mail. Answers HTTP 200 with no body.

The document may come later than the answer: PayTraq's inbox keeps every message (§9.1), and one
without `AutoProcessing/Process` waits for a person to process it there. A channel set to `hold`
(or `delay_seconds`) keeps even the messages that ask to be processed, as a slow or paused inbox
would, until `release()` (a person pressing Process) or the delay has passed; no document exists
until then. Controls over HTTP: `PUT /sandbox/connect` `{"hold": true, "delay_seconds": 0}`,
`POST /sandbox/connect/release` (sandbox-only, not PayTraq)."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from flask import Blueprint, jsonify, request

from adapters.paytraq.sandbox import answer_xml as wire
from adapters.paytraq.sandbox.state import (
    Client,
    Line,
    Payment,
    Refused,
    Sale,
    SandboxState,
    parse_day,
)
from domain.sale_status import is_posted_type

SANDBOX_CONNECT_CHANNEL = "900000000000000001"


@dataclass
class ConnectChannel:
    """A PayTraq Connect channel's main settings (§9.3)."""

    sale_type: str = "sales_order"
    operation: str = "sell_goods"
    warehouse_id: str | None = None
    hold: bool = False  # keep every message unprocessed until release()
    delay_seconds: float = 0.0  # process a message only this long after it arrived


@dataclass
class InboxMessage:
    ref: str
    outcome: str  # stored | waiting | created | mismatch
    sale_id: str | None = None
    steps: list[str] = field(default_factory=list)
    payload: ET.Element | None = field(default=None, repr=False)  # while stored or waiting
    due: float | None = None  # monotonic time a waiting message is processed (None: on release)
    channel_id: str = ""


def _text(element: ET.Element | None, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _yes(element: ET.Element | None, path: str) -> bool:
    return _text(element, path).lower() in ("true", "1", "yes")


def receive(state: SandboxState, channel_id: str, raw: bytes) -> InboxMessage:
    channel = state.connect_channels.get(channel_id)
    if channel is None:
        raise Refused("Unknown Sales Inbox channel", 404)
    root = wire.read_body(raw, "Sale")
    header = root.find("Header")
    ref = _text(header, "Document/DocumentRef")
    if not _yes(root, "AutoProcessing/Process"):
        message = InboxMessage(ref, "stored", payload=root, channel_id=channel_id)
    elif channel.hold or channel.delay_seconds > 0:
        due = None if channel.hold else time.monotonic() + channel.delay_seconds
        message = InboxMessage(ref, "waiting", payload=root, due=due, channel_id=channel_id)
    else:
        with state.lock:
            message = _process(state, channel, root, ref)
    state.connect_messages.append(message)
    return message


def process_waiting(state: SandboxState, release: bool = False) -> int:
    """Make the documents of the waiting messages whose delay has passed (all of them, and the
    stored ones, on `release`: a person processing the inbox). How many were made."""
    now, made = time.monotonic(), 0
    for index, message in enumerate(list(state.connect_messages)):
        ready = message.outcome == "waiting" and message.due is not None and message.due <= now
        if not (ready or (release and message.outcome in ("waiting", "stored"))):
            continue
        channel = state.connect_channels[message.channel_id]
        with state.lock:
            state.connect_messages[index] = _process(state, channel, message.payload, message.ref)
        made += 1
    return made


def connect_controls(state: SandboxState) -> Blueprint:
    api = Blueprint("paytraq_sandbox_connect", __name__)

    @api.put("/sandbox/connect")
    def settings():
        body = request.get_json(force=True) or {}
        for channel in state.connect_channels.values():
            channel.hold = bool(body.get("hold", channel.hold))
            channel.delay_seconds = float(body.get("delay_seconds", channel.delay_seconds))
        return jsonify(hold=body.get("hold"), delay_seconds=body.get("delay_seconds"))

    @api.post("/sandbox/connect/release")
    def release():
        return jsonify(made=process_waiting(state, release=True))

    return api


def _process(state: SandboxState, channel: ConnectChannel, root: ET.Element, ref: str) -> InboxMessage:
    header = root.find("Header")
    sale = _sale(state, channel, root, ref)
    sale_id = state.create_sale(sale)
    totals = state.totals(sale)
    wanted_total = wire._number(header, "Total")
    wanted_taxes = wire._number(header, "Taxes", "0")
    if (totals.total, totals.tax) != (wanted_total, wanted_taxes):
        return InboxMessage(ref, "mismatch", sale_id)
    message = InboxMessage(ref, "created", sale_id)
    auto = root.find("AutoProcessing")
    if _yes(auto, "Approve"):
        (state.post if is_posted_type(sale.sale_type) else state.approve)(sale_id)
        message.steps.append("approved")
    account = _text(auto, "AddPayment/MoneyAccountID")
    if account:
        state.add_payment(sale_id, Payment(
            "", "", parse_day(_text(auto, "AddPayment/DatePaid")), totals.total, account,
            f"Sales Inbox {ref}", False))
        message.steps.append("paid")
    if _yes(auto, "Send"):
        state.send(sale_id, None)
        message.steps.append("sent")
    return message


def _sale(state: SandboxState, channel: ConnectChannel, root: ET.Element, ref: str) -> Sale:
    header = root.find("Header")
    by_code = {p.code: p.item_id for p in state.products.values()}
    lines = []
    for row in root.findall("LineItems/LineItem"):
        code = _text(row, "Item/ItemCode")
        lines.append(Line(by_code.get(code), _text(row, "Item/ItemName"), wire._number(row, "Qty"),
                          wire._number(row, "Price"), wire._number(row, "LineDiscount", "0"),
                          _text(row, "TaxKey/TaxKeyID")))
    shipping = root.find("ShippingCharge")
    return Sale(
        id="", ref=ref, date=parse_day(_text(header, "Document/DocumentDate")),
        client_id=_client(state, header), sale_type=channel.sale_type,
        operation=channel.operation, currency=_text(header, "Currency") or "EUR",
        include_tax=_text(header, "IncludeTax").lower() != "false",
        comment=_text(header, "Comment"), warehouse_id=channel.warehouse_id,
        ship_to=_text(header, "ShippingData/ShippingAddress/ShipTo"),
        address=_text(header, "ShippingData/ShippingAddress/Address"),
        zip=_text(header, "ShippingData/ShippingAddress/Zip"),
        country=_text(header, "ShippingData/ShippingAddress/Country"),
        lines=lines,
        shipping=wire._charge(shipping, False) if shipping is not None else None,
        adjustments=[wire._charge(a, True) for a in root.findall("Adjustments/Adjustment")],
    )


def _client(state: SandboxState, header: ET.Element | None) -> str:
    name = _text(header, "Document/Client/ClientName")
    reg = _text(header, "Document/Client/ClientRegNumber")
    email = _text(header, "Document/Client/ClientEmail")
    for client in state.clients.values():
        if (reg and client.reg_number == reg) or (not reg and email and client.email == email):
            return client.id
    return state.create_client(Client(
        "", name, email, 2 if _yes(header, "Document/Client/IsCompany") else 1, reg,
        _text(header, "Document/Client/ClientTaxNumber"),
        _text(header, "Document/Client/BillingAddress/Address"),
        _text(header, "Document/Client/BillingAddress/Zip"),
        _text(header, "Document/Client/BillingAddress/Country")))
