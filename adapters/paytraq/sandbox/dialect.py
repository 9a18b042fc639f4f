"""How strictly the PayTraq sandbox reads what it is sent (DECISIONS R1–R4).

The public evidence leaves the root of `POST sale`, the payment body, `GET payments` and what
`sales?query=` and `clients?query=` match open (one client describes the latter as "a filter
by client name or email"; registration and VAT numbers are unknown). The default dialect is lenient (it takes every plausible form); a
strict dialect takes exactly one and refuses the rest with HTTP 400, as a real PayTraq that
knows only one form would, so the client's tolerant writes are tested against each.
"""

from __future__ import annotations

from dataclasses import dataclass

ANY = "any"
CLIENT_QUERY_ALL = "all"  # clients?query= matches name, e-mail, registration and VAT number
CLIENT_QUERY_NAME_EMAIL = "name_email"  # only name and e-mail
PAYMENT_DATES = ("PaymentDate", "DatePaid")
PAYMENT_AMOUNTS = ("Amount", "PaymentAmount")
PAYMENT_OTHERS = ("MoneyAccountID", "Comment")


@dataclass(frozen=True, slots=True)
class WireDialect:
    sale_root: str = ANY  # "Sale" (bare), "Data" (<Data><Sale>…), or any
    payment_date: str = ANY  # one of PAYMENT_DATES, or any
    payment_amount: str = ANY  # one of PAYMENT_AMOUNTS, or any
    refuse_unknown_elements: bool = False  # a payment element it does not know → 400
    payments_listing: bool = True  # GET payments exists ([MCP] only)
    query_matches_ref: bool = True  # sales?query= matches DocumentRef (unconfirmed, R4)
    client_query: str = CLIENT_QUERY_ALL  # what clients?query= matches (unconfirmed, R4)
    # a body of the wrong shape refused with a bare "Bad request" that names nothing (the body
    # of PayTraq's error answers is undocumented, §1.4), not "Expected <…> body"
    vague_shape_refusals: bool = False

    @classmethod
    def strict(cls, sale_root: str = "Sale", payment_date: str = "PaymentDate",
               payment_amount: str = "Amount") -> WireDialect:
        """One form of each write; no payments listing; `query` does not match DocumentRef."""
        return cls(sale_root, payment_date, payment_amount, refuse_unknown_elements=True,
                   payments_listing=False, query_matches_ref=False)

    def payment_elements(self) -> set[str]:
        dates = PAYMENT_DATES if self.payment_date == ANY else (self.payment_date,)
        amounts = PAYMENT_AMOUNTS if self.payment_amount == ANY else (self.payment_amount,)
        return {*dates, *amounts, *PAYMENT_OTHERS}
