"""Every PayTraq path Sales Inbox calls. [MCP]/[INF] ones follow DECISIONS.md."""

from __future__ import annotations

import requests

PATHS = {
    "clients": "clients",  # GET ?query=&page=          [CODE R3,R5]
    "client_create": "client",  # POST <Client>         [CODE R4,R5]
    "products": "products",  # GET ?query= | ?WarehouseID=&page=   [CODE R4]
    "tax_keys": "taxKeys",  # GET                       [MCP] P9
    "sales": "sales",  # GET ?query= | ?status=&page=    [CODE R2][MCP] P1, P7
    "sale": "sale/{id}",  # GET                         [OBS R1]
    "sale_create": "sale",  # POST <Sale>               [CODE R3] P2
    "approve": "sale/{id}/approve",  # POST <Document/> [MCP] P3
    "post": "sale/{id}/post",  # POST <Document/>       [MCP] P3
    "void": "sale/{id}/void",  # POST <Document/>       [MCP] P3
    "payment": "sale/{id}/payment",  # POST <Payment>   [MCP] P4
    "payments": "payments",  # GET ?query=&page=        [MCP] docs/decisions/paytraq-payments-lookup.md
    "send": "sale/{id}/send",  # POST <Send>            [MCP] P5
    "pdf": "sale/{id}/pdf",  # GET → application/pdf    [MCP] docs/decisions/paytraq-payments-lookup.md
    "price_list": "productPriceList/{id}",  # GET ?page= [MCP] P8
}


def path(name: str, ident: str) -> str:
    return PATHS[name].format(id=requests.utils.quote(str(ident), safe=""))
