"""Every PayTraq path Sales Inbox calls, and every plausible shape of its writes.

One module, so that a correction after testing against the live service is a one-line change
(DECISIONS.md, revisions R1–R4). [MCP]/[INF] entries follow DECISIONS.md; none of the write
shapes is confirmed by public evidence, so a write refused with HTTP 400 (which creates
nothing) is tried in the next plausible shape, and the shape that worked is remembered per
channel (`WriteDialect`). A 400 whose message names the body counts (`names_the_body`); so
does, for `POST sale` only and only while the channel has not learned its root, a 400 that names
nothing (a bare "Bad request"): see SHAPE_BLIND_KINDS.
"""

from __future__ import annotations

import re

import requests

PATHS = {
    "clients": "clients",  # GET ?query=&page=          [CODE R3,R5]
    "client_create": "client",  # POST <Client>         [CODE R4,R5]
    "products": "products",  # GET ?query= | ?WarehouseID=&page=   [CODE R4]
    "tax_keys": "taxKeys",  # GET                       [MCP] P9
    "sales": "sales",  # GET ?query= | ?status= | ?date_from=&date_till= &page=  [CODE R2][MCP]
    "sale": "sale/{id}",  # GET                         [OBS R1]
    "sale_create": "sale",  # POST, see SALE_ROOTS      [CODE R3] P2, R1
    "approve": "sale/{id}/approve",  # POST <Document/> [MCP] P3
    "post": "sale/{id}/post",  # POST <Document/>       [MCP] P3
    "void": "sale/{id}/void",  # POST <Document/>       [MCP] P3
    "payment": "sale/{id}/payment",  # POST, see PAYMENT_FORMS  [MCP] P4, R2
    "payments": "payments",  # GET ?query=&page=        [MCP] docs/decisions/paytraq-payments-lookup.md
    "send": "sale/{id}/send",  # POST <Send>            [MCP] P5
    "pdf": "sale/{id}/pdf",  # GET → application/pdf    [MCP] docs/decisions/paytraq-payments-lookup.md
    "price_list": "productPriceList/{id}",  # GET ?page= [MCP] P8
}

# `POST sale` (R1): our P2 form sends a bare <Sale>; the only public client known to create
# sales wraps it as <Data><Sale>…</Sale></Data>. Tried in this order.
SALE_ROOTS = ("Sale", "Data")

# Writes whose 400 may not say what is wrong with the shape. A 400 creates nothing, so while the
# channel has not learned the shape of such a write, any 400 tries the other plausible shapes
# (at most one extra call for the sale root: two roots), and when every shape is refused the
# error gives PayTraq's message for each. Once a shape is learned, only a 400 naming the body
# tries another: a refusal of the values (an unknown tax key) then costs one call. Payments are
# not here: a 400 there may refuse the amount or the document, and there are three forms.
SHAPE_BLIND_KINDS = frozenset({"sale_root"})

# `POST sale/{id}/payment` (R2): element names of date, amount and money account, in order.
# "amount" is P4; "payment_amount" names the amount as real `GET sale` responses do (R3);
# "date_paid" uses the names of the documented Connect block `AddPayment/{MoneyAccountID,
# DatePaid}` (R6). Every form carries the money account and the order reference in Comment.
PAYMENT_FORMS = {
    "amount": ("PaymentDate", "Amount", "MoneyAccountID", "Comment"),
    "payment_amount": ("PaymentDate", "PaymentAmount", "MoneyAccountID", "Comment"),
    "date_paid": ("DatePaid", "Amount", "MoneyAccountID", "Comment"),
}

# `GET sales` by document date (R4): the fallback when `query` does not find a DocumentRef
# after a lost answer. Days either side of the order date, and at most this many pages.
DATE_FILTER = ("date_from", "date_till")
LISTING_DAYS = 1
LISTING_PAGES = 10

_NAMES_THE_BODY = re.compile(r"\b(body|root|element|xml|expected|unexpected)\b", re.IGNORECASE)


def names_the_body(message: str) -> bool:
    """Does a refusal speak of the body's shape (its root or an element), not of its values?
    Only such a refusal is worth another shape: a refusal of the values (an unknown client, a
    missing tax key) would be the same in every shape, and must not teach a wrong one."""
    return _NAMES_THE_BODY.search(message) is not None


def path(name: str, ident: str) -> str:
    return PATHS[name].format(id=requests.utils.quote(str(ident), safe=""))
