"""A person uses the console in a real browser (headless Chromium): logs in, connects and
configures a shop, watches orders arrive, understands and fixes a mismatch, runs a stock sync,
and switches language. Every page is saved as a screenshot in Latvian and in English."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from adapters.mozello.api import MozelloClient
from tests.integration.browser.pages import (
    by_id,
    choose,
    fill,
    log_in,
    payment_row_index,
    submit,
    text,
    tick,
    until_text,
)
from tests.integration.e2e.test_lost_document_answer import crowded_day

pytestmark = pytest.mark.integration

# exclusive prices, VAT rounded per line: the shop charges 0.01 more than PayTraq computes
ROUNDING_ORDER = dict(items=[("WS-01", 1), ("BJ-1L", 3)], paid=True, tax_mode="exclusive",
                      taxes_rounding="per_line")


def test_a_failed_login_is_refused_and_the_right_password_opens_the_inbox(console):
    console.open("/")
    assert "/login" in console.driver.current_url
    console.shot("login-lv")
    log_in(console, password="not my password", succeeds=False)
    assert "Nepareizs lietotājvārds vai parole" in by_id(console, "login-error").text
    log_in(console)
    until_text(console, "Pārdošanas iesūtne")
    assert console.driver.current_url.rstrip("/") == console.base_url


def test_a_form_posted_without_its_csrf_token_is_refused(console):
    log_in(console)
    console.open("/channels/sandbox")
    fill(console, "name", "Changed without a token")
    console.driver.execute_script(
        "document.querySelector('#settings-form input[name=csrf_token]').remove()")
    submit(console, "save-settings")
    until_text(console, "CSRF")
    with console.runtime.uow_factory() as uow:
        assert uow.channels.get("sandbox").name.startswith("Sandbox shop")


def test_orders_placed_in_mozello_arrive_in_the_inbox(console):
    log_in(console)
    first = console.mozello.place_order([("TT-100", 2)], paid=True)
    second = console.mozello.place_order([("LN-204", 1)], paid=False,
                                         payment_method="banktransfer")
    console.settle()
    console.open("/")
    until_text(console, second["order_id"], reload=True)
    row = console.driver.find_element(By.CSS_SELECTOR, f"tr[data-order='{first['order_id']}']")
    assert "Aizsūtīts pa e-pastu" in row.text  # approved, paid, e-mailed
    unpaid = console.driver.find_element(By.CSS_SELECTOR,
                                         f"tr[data-order='{second['order_id']}']")
    assert "Saņemts" in unpaid.text  # waits for the payment
    console.shot("inbox-lv")
    console.shot("inbox-lv", phone=True)
    # and "process now" hands the waiting one to the workers, confirmed first
    console.open(f"/orders/sandbox/{second['order_id']}/confirm/process")
    submit(console, "confirm-action")
    until_text(console, "Sākts: Apstrādāt tagad")
    console.join()
    until_text(console, "Dokuments izveidots PayTraq", reload=True)
    assert console.sales(second["order_id"])


def test_a_mismatched_order_is_explained_and_fixed_from_the_browser(console):
    # Given an order whose VAT the shop rounded per line: PayTraq's Draft is 0.01 short
    log_in(console)
    placed = console.mozello.place_order(**ROUNDING_ORDER)
    console.settle()
    console.open("/?status=needs_review")
    until_text(console, placed["order_id"], reload=True)
    console.driver.find_element(By.LINK_TEXT, placed["order_id"]).click()
    # When the accountant reads the order page
    until_text(console, "Kopsummas blakus pa nodokļu grupām")
    assert "Nodokļu noapaļošana" in by_id(console, "cause").text
    assert "noapaļošanas limitu" in by_id(console, "advice").text
    assert "−0,01 €" in by_id(console, "difference").text or "0,01" in text(console)
    console.shot("order-mismatch-lv")
    console.shot("order-mismatch-lv", phone=True)
    # and does what it says: sets a rounding limit in the channel settings
    console.open("/channels/sandbox")
    fill(console, "rounding_limit", "0.02")
    submit(console, "save-settings")
    until_text(console, "Iestatījumi saglabāti")
    # then accepts the rounding difference, confirming it
    console.open(f"/orders/sandbox/{placed['order_id']}")
    submit(console, "action-accept_rounding")
    console.shot("confirm-lv")
    submit(console, "confirm-action")
    console.join()
    # Then the Draft is voided and made again with the rounding line; the order goes through
    until_text(console, "Aizsūtīts pa e-pastu", reload=True)
    page = text(console)
    assert "Melnraksts anulēts PayTraq" in page and "anna" in page
    sales = console.sales(placed["order_id"])
    assert sorted(s.status for s in sales)[-1] == "voided" and len(sales) == 2
    console.shot("order-fixed-lv")


def test_a_channel_is_created_and_configured_through_the_form(console):
    log_in(console)
    console.open("/channels/")
    submit(console, "new-channel")
    fill(console, "name", "Veikals Rīgā")
    fill(console, "mozello_api_key", console.mozello.api_key)
    fill(console, "paytraq_api_key", console.paytraq.api_key)
    fill(console, "paytraq_api_token", console.paytraq.api_token)
    console.shot("channel-new-lv")
    submit(console, "create-channel")
    until_text(console, "Kanāls izveidots")
    channel_id = console.driver.current_url.rstrip("/").rsplit("/", 1)[-1]
    # the Mozello sandbox now notifies the new channel
    url, _events = MozelloClient(console.mozello.api_key,
                                 console.mozello.base_url).get_notifications()
    assert url.endswith(f"/webhooks/mozello/{channel_id}")
    # configure it as an accountant would
    tick(console, "auto_process")
    choose(console, "document_type", "sales_invoice")
    tick(console, "approve")
    tick(console, "add_payment")
    gateway = payment_row_index(console, "gateway")
    fill(console, f"pm-{gateway}-account", "5011")
    tick(console, f"pm-{gateway}-merchant")
    choose(console, "tax-21", "100021")
    fill(console, "warehouse_id", "1")
    submit(console, "save-settings")
    until_text(console, "Iestatījumi saglabāti")
    console.shot("channel-settings-lv")
    # and a paid order now becomes a posted, paid invoice
    placed = console.mozello.place_order([("TT-100", 1)], paid=True)
    console.channel_id = channel_id
    console.settle()
    console.open(f"/orders/{channel_id}/{placed['order_id']}")
    until_text(console, "Apmaksāts", reload=True)
    (sale,) = console.sales(placed["order_id"])
    assert sale.sale_type == "sales_invoice"


def test_a_wrong_setting_is_marked_and_nothing_is_saved(console):
    log_in(console)
    console.open("/channels/sandbox")
    fill(console, "rounding_limit", "divi centi")
    tick(console, "sync_prices")
    fill(console, "price_group_id", "")
    submit(console, "save-settings")
    until_text(console, "Nekas netika saglabāts")
    assert by_id(console, "rounding_limit-error").is_displayed()
    assert by_id(console, "price_group_id-error").is_displayed()
    console.shot("channel-settings-errors-lv")


def test_a_dry_run_and_a_real_sync_show_their_reports(console):
    log_in(console)
    console.open("/channels/sandbox/sync/")
    submit(console, "sync-preview")
    until_text(console, "Priekšskatījums: Mozello nekas netika ierakstīts", seconds=60)
    assert "pabeigta" in by_id(console, "run-status").text
    assert "Tiktu atjaunināts" in by_id(console, "summary").text
    console.shot("sync-preview-lv")
    console.open("/channels/sandbox/sync/")
    submit(console, "sync-now")
    until_text(console, "Atjaunināts", seconds=60)
    assert "Priekšskatījums" not in by_id(console, "main").text
    console.shot("sync-report-lv")
    console.open("/channels/sandbox/sync/")
    assert len(console.driver.find_elements(By.CSS_SELECTOR, "#sync-runs tbody tr")) == 2
    console.shot("sync-history-lv")


def test_switching_to_english_and_back_and_every_page_in_both_languages(console):
    log_in(console)
    ok = console.mozello.place_order([("TT-100", 1)], paid=True)
    held = console.mozello.place_order(**ROUNDING_ORDER)
    console.settle()
    submit(console, "switch-language")
    until_text(console, "Inbox")
    assert "Iesūtne" not in text(console)
    pages = {"inbox": "/", "order": f"/orders/sandbox/{held['order_id']}",
             "order-ok": f"/orders/sandbox/{ok['order_id']}", "channels": "/channels/",
             "confirm": f"/orders/sandbox/{held['order_id']}/confirm/handled",
             "channel-new": "/channels/new", "channel-settings": "/channels/sandbox",
             "sync": "/channels/sandbox/sync/", "dashboard": "/dashboard"}
    for language, expected in (("en", "Inbox"), ("lv", "Iesūtne")):
        for name, path in pages.items():
            console.open(path)
            until_text(console, expected)
            console.shot(f"{name}-{language}")
        console.shot(f"dashboard-{language}", phone=True)
        if language == "en":
            submit(console, "switch-language")
            until_text(console, "Iesūtne")
    assert "Needs review" not in text(console)
    # the language outlives the session: the login page after logging out is still Latvian
    submit(console, "logout")
    until_text(console, "Lietotājvārds")
    submit(console, "switch-language")
    until_text(console, "User name")
    console.shot("login-en")


def test_a_document_paytraq_left_uncertain_is_settled_from_the_browser(console):
    # Given a crowded day in PayTraq and a 500 to the new sale: PayTraq made nothing, but
    # neither its answer nor the bounded look-up can show that
    crowded_day(console)
    console.paytraq.controls.inject("POST", "sale", "error", times=1)
    log_in(console)
    placed = console.mozello.place_order([("TT-100", 1)], paid=True)
    console.settle()
    # When the accountant opens the order
    console.open(f"/orders/sandbox/{placed['order_id']}")
    until_text(console, "Dokuments, iespējams, jau izveidots", reload=True)
    console.shot("order-document-uncertain-lv")
    # and, having found no such document in PayTraq, says so
    submit(console, "action-document_not_created")
    console.shot("confirm-document-not-created-lv")
    submit(console, "confirm-action")
    console.join()
    # Then the document is created once and the order goes to the end
    until_text(console, "Aizsūtīts pa e-pastu", reload=True)
    assert "Cilvēks atbildēja, vai PayTraq ir dokuments" in text(console)
    assert len(console.sales(placed["order_id"])) == 1


def test_a_payment_paytraq_refused_before_booking_is_booked_on_the_next_try_without_a_question(
        console):
    # Given a PayTraq that refuses the next payment for its pace, asking to wait five minutes
    console.paytraq.controls.inject("POST", r"sale/\d+/payment", "error", status=429,
                                    retry_after=300)
    log_in(console)
    placed = console.mozello.place_order([("TT-100", 1)], paid=True)
    console.settle()
    # When the accountant opens the order and has it processed now
    console.open(f"/orders/sandbox/{placed['order_id']}")
    submit(console, "action-process")
    submit(console, "confirm-action")
    console.join()
    # Then the payment is booked once, nobody is asked whether it was, and the page says why
    # the first try left nothing to check
    until_text(console, "Aizsūtīts pa e-pastu", reload=True)
    assert "PayTraq to nepieņēma: tiks sūtīts vēlreiz, nekas nav jāpārbauda" in text(console)
    assert "iespējams" not in text(console).lower()
    console.shot("order-write-not-sent-lv")
    (sale,) = console.sales(placed["order_id"])
    assert len([p for p in console.paytraq.state.payments.values() if p.sale_id == sale.id]) == 1
