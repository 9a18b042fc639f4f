"""Latvian and English: the chosen language (in the session), PayTraq's own Latvian words for
statuses, and amounts and dates in the person's locale (Europe/Riga time)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from flask import session
from flask_babel import Babel, format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l

from domain.inbox import InboxStatus

LANGUAGES = {"lv": "Latviešu", "en": "English"}
DEFAULT_LANGUAGE = "lv"

STATUS_LABELS = {
    "received": _l("Received"),
    "sent": _l("Sent to PayTraq's Sales Inbox"),
    "document_created": _l("Document created"),
    "approved": _l("Approved"),
    "paid": _l("Paid"),
    "emailed": _l("Sent by e-mail"),
    "needs_review": _l("Needs review"),
    "failed": _l("Error"),
    "cancelled": _l("Cancelled"),
    "handled": _l("Handled by hand"),
    "ignored": _l("Ignored"),
}
STATUS_TONE = {"received": "info", "sent": "info", "document_created": "info", "approved": "ok", "paid": "ok",
               "emailed": "ok", "needs_review": "warn", "failed": "bad", "cancelled": "muted",
               "handled": "muted", "ignored": "muted"}

REASON_LABELS = {
    "totals_mismatch": _l("Totals differ"),
    "unknown_sku": _l("Product not in PayTraq"),
    "unmapped_tax_rate": _l("VAT rate without a tax key"),
    "unmapped_payment_method": _l("Payment method without a money account"),
    "client_data_invalid": _l("Buyer's details incomplete"),
    "deleted_after_finalised": _l("Deleted in Mozello after approval"),
    "payment_needs_final_document": _l("Payment waits for an approved document"),
    "email_not_sent": _l("E-mail not sent"),
    "document_voided": _l("Document voided in PayTraq"),
    "deleted_after_payment": _l("Deleted in Mozello after payment"),
    "payment_uncertain": _l("Payment may have been booked"),
    "connect_uncertain": _l("May have reached PayTraq Connect"),
    "document_uncertain": _l("Document may have been created"),
    "connect_not_shown": _l("PayTraq has not shown the document"),
}
REASON_ADVICE = {
    "unknown_sku": _l("Create the product in PayTraq with this code (or let unknown products "
                      "become free-text lines in the channel settings), then process the order "
                      "again."),
    "unmapped_tax_rate": _l("Map this VAT rate to a PayTraq tax key in the channel's tax "
                            "mapping, then process the order again."),
    "unmapped_payment_method": _l("Give this payment method a PayTraq money account in the "
                                  "channel's payment settings, then process the order again."),
    "client_data_invalid": _l("Complete the buyer's details (name or company) in Mozello or "
                              "create the client in PayTraq, then process the order again."),
    "payment_needs_final_document": _l("Approve/post the document in PayTraq (or switch on "
                                       "Approve/Post), then process the order again."),
    "email_not_sent": _l("Check the buyer's e-mail address and the e-mail settings, then "
                         "process the order again — or send the document from PayTraq."),
    "document_voided": _l("The document was voided in PayTraq: book the sale there by hand if "
                          "it still stands, then mark the order as handled by hand."),
    "deleted_after_finalised": _l("The order was deleted in Mozello after its document was "
                                  "approved: cancel or credit the document in PayTraq."),
    "deleted_after_payment": _l("The order was deleted in Mozello after its payment was "
                                "booked: return or re-book the payment in PayTraq."),
    "payment_uncertain": _l("Look in PayTraq whether the payment is there, then answer with "
                            "the buttons below (or `sales-inbox inbox payment ORDER_ID "
                            "--question A.N --booked` or `--not-booked`, with the question the "
                            "review names)."),
    "connect_uncertain": _l("Look in PayTraq's Sales Inbox whether the order arrived, then "
                            "answer with the buttons below (or `sales-inbox inbox connect "
                            "ORDER_ID --question A.N --delivered` or `--not-delivered`, with the "
                            "question the review names)."),
    "document_uncertain": _l("Look in PayTraq's sales documents for one with this order's "
                             "number as its reference, then answer with the buttons below (or "
                             "`sales-inbox inbox document ORDER_ID --question A.N --created "
                             "DOCUMENT_ID` or `--not-created`, with the question the review "
                             "names)."),
    "connect_not_shown": _l("Look in PayTraq's Sales Inbox for the order's message and process "
                            "it there, then process the order again to read the document back "
                            "— or mark it handled by hand."),
}
CAUSE_TEXT = {
    "rounding": _l("VAT rounding: the shop rounds VAT on each line, PayTraq on the whole "
                   "document, so the totals differ by a few cents."),
    "tax_group": _l("Wrong tax group: a VAT rate of the order is mapped to a PayTraq tax key "
                    "of another rate (or not mapped)."),
    "other": _l("Another difference: prices, quantities, shipping or discount in PayTraq do "
                "not add up to what the shop charged."),
}
CAUSE_ADVICE = {
    "rounding": _l("Accept the rounding difference (the Draft is made again with a no-VAT "
                   "rounding line), or correct the Draft in PayTraq and process the order "
                   "again. To close such cents automatically, set a rounding limit in the "
                   "channel settings."),
    "tax_group": _l("Fix the tax mapping in the channel settings for the next orders; correct "
                    "the Draft's tax keys in PayTraq and process this order again."),
    "other": _l("Correct the Draft in PayTraq so it totals what the shop charged, then process "
                "the order again — or mark the order as handled by hand."),
}

STEP_LABELS = {
    "received": _l("Received from Mozello"),
    "snapshot": _l("New look at the order from Mozello"),
    "document_created": _l("Document created in PayTraq"),
    "document_adopted": _l("Existing PayTraq document found"),
    "reconciled": _l("Totals match"),
    "document_finalised": _l("Approved/posted in PayTraq"),
    "payment_added": _l("Payment added"),
    "overpayment_added": _l("Payment added as overpayment"),
    "adding_payment": _l("Adding the payment"),
    "emailed": _l("Sent by e-mail"),
    "needs_review": _l("Waits for a person"),
    "review_cleared": _l("Review cleared"),
    "failed": _l("Step failed"),
    "retry": _l("Retried"),
    "reopened": _l("Opened again"),
    "cancelled": _l("Cancelled (deleted in Mozello)"),
    "handled_by_hand": _l("Handled by hand"),
    "ignored": _l("Ignored"),
    "document_voided": _l("Draft voided in PayTraq"),
    "creating_document": _l("Creating the document in PayTraq"),
    "sending_to_paytraq_connect": _l("Sending to PayTraq's Sales Inbox"),
    "sent_to_paytraq_connect": _l("Sent to PayTraq's Sales Inbox"),
    "paytraq_connect_looked_up": _l("Looked for the document in PayTraq: not there yet"),
    "paytraq_connect_not_shown": _l("No longer looked for: a person checks PayTraq"),
    "payment_checked": _l("A person answered whether the payment is booked"),
    "connect_checked": _l("A person answered whether PayTraq's Sales Inbox has the order"),
    "document_checked": _l("A person answered whether PayTraq has the document"),
    "write_not_sent": _l("PayTraq did not take it: it is sent again, nothing to check"),
}
ACTIONS_TITLES = {
    "process": _l("Process now"),
    "retry": _l("Retry"),
    "accept_rounding": _l("Accept the rounding difference"),
    "handled": _l("Mark as handled by hand"),
    "ignore": _l("Ignore"),
    "payment_booked": _l("The payment is in PayTraq"),
    "payment_not_booked": _l("The payment is not in PayTraq: book it"),
    "connect_delivered": _l("PayTraq's Sales Inbox has the order"),
    "connect_not_delivered": _l("PayTraq's Sales Inbox lacks the order: send it"),
    "document_found": _l("The document is in PayTraq"),
    "document_not_created": _l("No such document in PayTraq: create it"),
    "logged_in": _l("Logged in"),
    "logged_out": _l("Logged out"),
    "login_failed": _l("Failed login"),
    "channel_created": _l("Created the channel"),
    "channel_saved": _l("Saved the channel settings"),
    "mozello_key_tested": _l("Tested the Mozello API key"),
    "test_email": _l("Sent a test e-mail"),
    "sync": _l("Started a stock sync"),
    "sync_preview": _l("Started a sync preview"),
}

DOCUMENT_TYPES = {
    "sales_order": _l("Order"),
    "sales_invoice": _l("Invoice"),
    "sales_proforma": _l("Proforma invoice"),
    "sales_receipt": _l("Receipt"),
}
OPERATIONS = {
    "sell_goods": _l("Sale of goods"),
    "sell_services": _l("Sale of services"),
    "other_income": _l("Other income"),
}
PAYMENT_METHODS = {
    "gateway": _l("Payment gateway (card, bank link)"),
    "paypal": "PayPal",
    "banktransfer": _l("Bank transfer"),
    "cod": _l("Cash on delivery"),
    "cash": _l("Cash"),
}
RUN_STATUS = {"running": _l("running"), "succeeded": _l("done"), "failed": _l("failed")}
SYNC_ACTIONS = {
    "update": _l("To update"),
    "updated": _l("Updated"),
    "would_update": _l("Would be updated"),
    "not_attempted": _l("Not attempted"),
    "unchanged": _l("Unchanged"),
    "missing_in_mozello": _l("Missing in Mozello"),
    "missing_in_paytraq": _l("Missing in PayTraq"),
    "duplicate": _l("Duplicate SKU"),
    "untracked": _l("Stock not tracked in Mozello"),
    "skipped": _l("Skipped"),
    "error": _l("Failed"),
    "failed": _l("Failed"),
}


def day(value) -> str:
    return format_date(value, "EEE d MMM")


def number(value) -> str:
    return "" if value is None else format_decimal(Decimal(value), format="#,##0.###")


def reason_text(reason) -> str:
    return str(REASON_LABELS.get(reason.code.value, reason.code.value))


def reject_keys(mapping: dict, *keys: str) -> dict:
    return {k: v for k, v in mapping.items() if k not in keys}


def current_language() -> str:
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def money(value, currency: str = "EUR") -> str:
    if value is None or value == "":
        return "—"
    amount = format_decimal(Decimal(value), format="#,##0.00")
    return f"{amount} {'€' if currency == 'EUR' else currency}"


def when(value) -> str:
    return "—" if value is None else format_datetime(value, "short")


def setup(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Riga")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).resolve().parent.parent
                                                      / "translations")
    Babel(app, locale_selector=current_language)
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["reject_keys"] = reject_keys
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["day"] = day
    app.jinja_env.globals.update(DOCUMENT_TYPES=DOCUMENT_TYPES, OPERATIONS=OPERATIONS,
                                 PAYMENT_METHODS=PAYMENT_METHODS, RUN_STATUS=RUN_STATUS,
                                 SYNC_ACTIONS=SYNC_ACTIONS, STATUS=InboxStatus)
    app.jinja_env.globals.update(reason_text=reason_text, STEP_LABELS=STEP_LABELS,
                                 REASON_ADVICE=REASON_ADVICE,
                                 ACTIONS_TITLES=ACTIONS_TITLES)
    app.jinja_env.globals.update(STATUS_LABELS=STATUS_LABELS, STATUS_TONE=STATUS_TONE,
                                 LANGUAGES=LANGUAGES, current_language=current_language)
