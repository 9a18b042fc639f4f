"""The console through Flask's test client: who gets in, what each page shows, and that a
person's action is confirmed, done once and recorded."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from application.logins import create_user, delete_user
from application.ports import AuditEntry, CallBodies
from domain.users import MAX_FAILURES
from entrypoints.passwords import hash_password
from tests.unit.builders import NO_VAT, PVN12, PVN21, line, order

pytestmark = pytest.mark.integration
ORDER = "M-1234567-101"
T0 = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


def test_every_page_sends_a_stranger_to_the_login_page(console):
    for path in ("/", "/dashboard", "/channels/", f"/orders/shop-1/{ORDER}",
                 f"/orders/shop-1/{ORDER}/wire-trace", "/channels/shop-1/sync/"):
        answer = console.client.get(path)
        assert answer.status_code == 302 and answer.location.startswith("/login?next=")


def test_the_webhook_and_health_check_stay_open(console):
    assert console.client.get("/healthz").status_code == 200
    assert console.client.post("/webhooks/mozello/shop-1", data=b"{}").status_code == 401


def test_a_wrong_password_is_refused_and_repeated_failures_lock_the_user_out(console):
    answer = console.login(password="not the password")
    assert answer.status_code == 401
    assert "Nepareizs lietotājvārds vai parole" in answer.get_data(as_text=True)
    for _ in range(MAX_FAILURES - 1):
        console.login(password="still not it")
    locked = console.login()  # the right password, too late
    assert locked.status_code == 401 and "Pārāk daudz" in locked.get_data(as_text=True)
    assert ("anna", "login_failed", None) in console.actions()


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(console):
    console.login()
    answer = console.client.post("/channels/shop-1", data={"name": "Hacked"})
    assert answer.status_code == 403
    with console.runtime.uow_factory() as uow:
        assert uow.channels.get("shop-1").name == "Demo shop"


def test_deleting_a_user_ends_their_open_session(console):
    # Given anna logged in
    console.login()
    assert console.client.get("/").status_code == 200
    # When she is deleted (say from the command line, by whoever runs the service)
    assert delete_user(console.runtime.uow_factory(), "anna", "cli", console.flow.clock)
    # Then her cookie opens nothing any more, neither a page nor the JSON API
    answer = console.client.get("/")
    assert answer.status_code == 302 and answer.location.startswith("/login")
    assert console.client.get("/api/channels").status_code == 401
    assert ("cli", "user_deleted", None) in console.actions()


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(console):
    console.login()
    create_user(console.runtime.uow_factory(), "anna", "a brand new passphrase", hash_password,
                console.flow.clock)
    assert console.client.get("/").status_code == 302
    # logging in with the new password opens a session again
    assert console.login(password="a brand new passphrase").status_code == 302
    assert console.client.get("/").status_code == 200


def test_the_login_form_itself_needs_its_csrf_token(console):
    answer = console.client.post("/login", data={"username": "anna", "password": "x" * 12})
    assert answer.status_code == 403


def test_the_json_api_takes_a_session_or_the_bearer_token(console):
    console.runtime.config = dataclasses.replace(console.runtime.config, api_token="s3cret-token")
    assert console.client.get("/api/channels").status_code == 401
    assert console.client.get("/api/channels", headers={
        "Authorization": "Bearer s3cret-token"}).status_code == 200
    console.login()
    assert console.client.get("/api/channels").status_code == 200
    # a write through the session needs the CSRF token in a header
    assert console.client.post(f"/api/inbox/shop-1/{ORDER}/retry").status_code == 403


def test_a_persons_write_through_the_json_api_is_recorded_like_a_console_action(console):
    # Given an order and anna logged in
    console.flow.receive(order())
    console.login()
    token = console.csrf("/")
    # When she retries it through the JSON API with her session
    answer = console.client.post(f"/api/inbox/shop-1/{ORDER}/retry",
                                 headers={"X-CSRF-Token": token})
    # Then the action is recorded with her name, the order and the answer
    assert answer.status_code == 200
    with console.runtime.uow_factory() as uow:
        (action,) = [a for a in uow.actions.recent() if a.action.startswith("api ")]
    assert (action.user, action.order_id, action.detail) == ("anna", ORDER, "answered 200")
    assert action.action == "api POST /api/inbox/<channel_id>/<order_id>/retry"


def test_a_machines_write_with_the_bearer_token_is_not_a_persons_action(console):
    console.runtime.config = dataclasses.replace(console.runtime.config, api_token="s3cret-token-0123")
    console.flow.receive(order())
    answer = console.client.post(f"/api/inbox/shop-1/{ORDER}/retry",
                                 headers={"Authorization": "Bearer s3cret-token-0123"})
    assert answer.status_code == 200
    with console.runtime.uow_factory() as uow:
        assert not [a for a in uow.actions.recent() if a.action.startswith("api ")]


def test_the_inbox_shows_latvian_badges_counts_and_filters_by_status_and_text(console):
    console.flow.receive(order())  # goes through: e-mailed
    console.flow.receive(order(order_id="M-1234567-102", total="24.25"))  # mismatch
    console.login()
    page = console.page("/")
    assert "Jāpārskata" in page and "Aizsūtīts pa e-pastu" in page
    review = console.page("/?status=needs_review")
    assert "M-1234567-102" in review and f">{ORDER}<" not in review
    assert f">{ORDER}<" in console.page(f"/?q={ORDER[-3:]}")
    assert "Ievadiet datumu" in console.page("/?from=yesterday")


def test_the_order_page_explains_a_mismatch_per_tax_key_and_what_to_change(console):
    console.flow.receive(order(total="24.25"))
    console.login()
    page = console.page(f"/orders/shop-1/{ORDER}")
    assert "Kopsummas blakus pa nodokļu grupām" in page
    assert "Cita starpība" in page and "Kas jāmaina" in page
    assert "0,05 €" in page  # the difference, in the Latvian locale


def test_the_order_page_offers_its_wire_trace_redacted_as_a_text_file(console):
    # Given an order, and a call made for it whose bodies name the buyer
    console.flow.receive(order(total="24.25"))
    sent = "<Client><Name>Anna Bērziņa</Name><Email>anna@example.com</Email><Type>1</Type></Client>"
    with console.runtime.uow_factory() as uow:
        uow.audit.record(AuditEntry(T0, "shop-1", "paytraq", "POST", "client", 200, 12,
                                    order_id=ORDER, bodies=CallBodies(
                                        request_type="application/xml", request_body=sent,
                                        response_type="application/xml",
                                        response_body="<Response><ClientID>7</ClientID></Response>")))
        uow.commit()
    console.login()
    # When the person follows the order page's link
    page = console.page(f"/orders/shop-1/{ORDER}")
    assert "Lejupielādēt sakaru pierakstu" in page
    answer = console.client.get(f"/orders/shop-1/{ORDER}/wire-trace")
    # Then a text file comes, with the call's bodies and without the buyer
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="wire-trace-{ORDER}.txt"')
    assert "POST client  200" in text and "<Email>[e-mail]</Email>" in text
    assert "<ClientID>7</ClientID>" in text
    assert "anna@example.com" not in text and "Bērziņa" not in text


def rounding_mismatch(console):
    nets = ["1.03", "1.12", "1.18", "1.36"]
    for n in range(4):
        console.flow.accounting.add_product(f"S{n}", f"Product S{n}")
    lines = tuple(line(f"S{i}", n, inclusive=False) for i, n in enumerate(nets))
    console.flow.receive(order(lines=lines, total="5.69", taxes="1.00"))
    with console.runtime.uow_factory() as uow:
        channel = uow.channels.get("shop-1")
        uow.channels.update(dataclasses.replace(channel, settings=dataclasses.replace(
            channel.settings, rounding_limit=Decimal("0.02"))))
        uow.commit()


def test_accepting_a_rounding_difference_is_confirmed_done_and_recorded(console):
    rounding_mismatch(console)
    console.login()
    page = console.page(f"/orders/shop-1/{ORDER}")
    assert "Nodokļu noapaļošana" in page and "action-accept_rounding" in page
    confirm = f"/orders/shop-1/{ORDER}/confirm/accept_rounding"
    assert "Pieņemt noapaļošanas starpību?" in console.page(confirm)
    answer = console.post(f"/orders/shop-1/{ORDER}/do/accept_rounding", page=confirm)
    assert answer.status_code == 302
    voided, new = console.flow.sales()
    assert voided.status == "voided"
    assert console.flow.accounting.get_sale(new.id).total == Decimal("5.69")
    done = console.page(f"/orders/shop-1/{ORDER}")
    assert "Melnraksts anulēts PayTraq" in done and "Izdarīts" in done
    assert ("anna", "accept_rounding", ORDER) in console.actions()


def test_ignoring_an_order_that_is_finished_is_refused_with_the_reason(console):
    console.flow.receive(order())
    console.login()
    answer = console.post(f"/orders/shop-1/{ORDER}/do/ignore")
    assert answer.status_code == 302
    assert "Nav izdarīts" in console.page(f"/orders/shop-1/{ORDER}")


def settings_form(**changes) -> dict:
    form = {"name": "Demo shop", "auto_process": "on", "trigger": "paid",
            "document_type": "sales_invoice", "operation": "sell_goods", "approve": "on",
            "email_via": "paytraq", "pm-2-account": "5011", "pm-2-merchant": "on",
            "tax-21": PVN21.id, "rounding_limit": "0.02", "rounding_tax_key": NO_VAT.id,
            "warehouse_id": "1", "unknown_sku": "hold", "daily_sync_time": "06:30",
            "smtp_port": "587", "smtp_security": "starttls"}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_channel_settings_are_saved_from_the_form(console):
    console.login()
    answer = console.post("/channels/shop-1", settings_form(), page="/channels/shop-1")
    assert answer.status_code == 302
    with console.runtime.uow_factory() as uow:
        settings = uow.channels.get("shop-1").settings
    assert settings.document_type.value == "sales_invoice"
    assert settings.rounding_limit == Decimal("0.02")
    assert settings.stock_sync.daily_time.strftime("%H:%M") == "06:30"
    assert [(m.method, m.money_account_id, m.merchant_account)
            for m in settings.payment_mappings] == [("gateway", "5011", True)]  # 3rd: banktransfer, cod, gateway, paypal
    assert ("anna", "channel_saved", None) in console.actions()


def test_a_tax_key_of_another_rate_is_refused_by_the_same_rule_as_the_api(console):
    # Given the settings form with 21 % mapped to PayTraq's 12 % tax key
    console.login()
    form = settings_form(name="Renamed", **{"tax-21": PVN12.id})
    # When it is saved
    answer = console.post("/channels/shop-1", form, page="/channels/shop-1")
    # Then the tax field is marked with the shared rule's reason, and nothing is saved
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'id="tax-21-error"' in page
    assert "is 12%, not 21%" in page
    with console.runtime.uow_factory() as uow:
        channel = uow.channels.get("shop-1")
    assert channel.name == "Demo shop" and channel.settings.rounding_limit == Decimal("0")


def test_wrong_fields_are_marked_and_nothing_is_half_saved(console):
    console.login()
    form = settings_form(name="Renamed", rounding_limit="two cents", sync_prices="on",
                         daily_sync_time="25:00")
    answer = console.post("/channels/shop-1", form, page="/channels/shop-1")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="rounding_limit-error"' in page and 'id="price_group_id-error"' in page
    assert 'id="daily_sync_time-error"' in page
    with console.runtime.uow_factory() as uow:
        channel = uow.channels.get("shop-1")
    assert channel.name == "Demo shop" and channel.settings.rounding_limit == Decimal("0")


def test_a_channel_is_switched_to_paytraq_connect_from_the_settings_page(console):
    console.login()
    url = "https://go.paytraq.com/ext/webhooks/inbox/ch-secret-4711"
    # Connect without its URL: the field says what is missing, nothing is saved
    refused = console.post("/channels/shop-1", settings_form(paytraq_transport="connect"),
                           page="/channels/shop-1")
    assert refused.status_code == 400
    assert 'id="paytraq_connect_url-error"' in refused.get_data(as_text=True)
    with console.runtime.uow_factory() as uow:
        assert uow.channels.get("shop-1").settings.paytraq_transport.value == "rest"
    # with the URL (and the company's currency) it is saved
    saved = console.post("/channels/shop-1", settings_form(
        paytraq_transport="connect", paytraq_connect_url=url, currency="eur"),
        page="/channels/shop-1")
    assert saved.status_code == 302
    with console.runtime.uow_factory() as uow:
        settings = uow.channels.get("shop-1").settings
        assert uow.channels.credentials("shop-1").paytraq_connect_url == url
    assert settings.paytraq_transport.value == "connect" and settings.currency == "EUR"
    # the page shows the choice but never the URL itself (it is the channel's secret address)
    page = console.page("/channels/shop-1")
    assert 'value="connect" selected' in page and "ch-secret-4711" not in page
    # saving again with the URL field left empty keeps it
    console.post("/channels/shop-1", settings_form(paytraq_transport="connect"),
                 page="/channels/shop-1")
    with console.runtime.uow_factory() as uow:
        assert uow.channels.credentials("shop-1").paytraq_connect_url == url


def test_a_currency_that_is_not_a_code_is_refused(console):
    console.login()
    answer = console.post("/channels/shop-1", settings_form(currency="€1"),
                          page="/channels/shop-1")
    assert answer.status_code == 400 and 'id="currency-error"' in answer.get_data(as_text=True)


def test_an_api_key_pasted_with_a_line_break_is_refused_and_the_stored_one_kept(console):
    console.login()
    with console.runtime.uow_factory() as uow:
        before = uow.channels.credentials("shop-1").paytraq_api_token
    answer = console.post("/channels/shop-1",
                          settings_form(paytraq_api_token="new-token\r\nX-Injected: 1"),
                          page="/channels/shop-1")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'id="paytraq_api_token-error"' in page
    assert "rindu pārnesumiem" in page  # said in Latvian, the console's language
    with console.runtime.uow_factory() as uow:
        assert uow.channels.credentials("shop-1").paytraq_api_token == before


def test_a_new_channel_with_a_key_no_request_can_carry_is_refused_before_anything_is_asked(
        console):
    console.login()
    with console.runtime.uow_factory() as uow:
        before = [c.id for c in uow.channels.list()]
    answer = console.post("/channels/new", {"name": "Otrs veikals", "mozello_api_key": "MZL-1",
                                            "paytraq_api_key": "key with spaces",
                                            "paytraq_api_token": "token"},
                          page="/channels/new")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'id="paytraq_api_key-error"' in page
    with console.runtime.uow_factory() as uow:
        assert [c.id for c in uow.channels.list()] == before


def test_switching_to_english_is_remembered_in_the_session(console):
    console.login()
    console.post("/language/en", {"next": "/"})
    assert "Needs review" in console.page("/?status=needs_review") or "Inbox" in console.page("/")
    assert "Iesūtne" not in console.page("/")
    console.post("/language/lv", {"next": "/"})
    assert "Iesūtne" in console.page("/")


def test_the_dashboard_counts_what_waits_and_the_days_orders(console):
    console.flow.receive(order())
    console.flow.receive(order(order_id="M-1234567-102", total="24.25"))
    console.login()
    page = console.page("/dashboard")
    assert 'id="tile-review"><b>1</b>' in page.replace("\n", "")
    assert "PayTraq pieprasījumi šodien" in page and "/ 5000" in page


def test_a_sync_preview_started_from_the_page_has_a_report_and_is_recorded(console):
    console.login()
    answer = console.post("/channels/shop-1/sync/", {"dry_run": "1"},
                          page="/channels/shop-1/sync/")
    assert answer.status_code == 302
    progress = console.client.get("/channels/shop-1/sync/progress.json").get_json()
    assert progress["dry_run"] is True and progress["status"] == "succeeded"
    report = console.page(progress["url"])
    assert "Mozello nekas netika ierakstīts" in report
    assert ("anna", "sync_preview", None) in console.actions()


def test_every_reason_to_wait_says_what_to_change(console):
    console.flow.receive(order(lines=(line("XX-404", "24.20"),)))  # no such product in PayTraq
    console.login()
    page = console.page(f"/orders/shop-1/{ORDER}")
    assert "Prece nav PayTraq" in page
    assert "Izveidojiet PayTraq preci ar šo kodu" in page
