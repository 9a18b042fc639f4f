"""Channels over the JSON API: list and read (secrets masked), create (keys checked against both
sandboxes, webhook registered), settings read and change (every rule checked, nothing
half-saved), the settings form's choices."""

from __future__ import annotations

import pytest

from tests.integration.api.conftest import NOWHERE

pytestmark = pytest.mark.integration


def keys(api, **changes) -> dict:
    return {"name": "Linu darbnīca", "mozello_api_key": api.mozello.api_key,
            "paytraq_api_key": api.paytraq.api_key,
            "paytraq_api_token": api.paytraq.api_token} | changes


def settings_of(api, channel_id: str | None = None) -> dict:
    return api.get(f"/channels/{channel_id or api.channel_id}/settings").get_json()


def test_channels_are_listed_with_settings_and_masked_secrets(api):
    answer = api.get("/channels")
    assert answer.status_code == 200
    (sandbox,) = answer.get_json()
    assert sandbox["id"] == api.channel_id and sandbox["webhook_path"] == "/webhooks/mozello/sandbox"
    assert sandbox["settings"]["payment_map"]["gateway"] == "5011"
    assert sandbox["settings"]["merchant_accounts"] == ["gateway"]
    assert api.mozello.api_key not in answer.get_data(as_text=True)
    assert sandbox["credentials"]["mozello_api_key"].startswith("********")


def test_an_unknown_channel_is_404_everywhere(api):
    for path in ("/channels/nope", "/channels/nope/settings", "/channels/nope/choices",
                 "/channels/nope/catalogue", "/channels/nope/sync"):
        assert api.get(path).status_code == 404, path
    assert api.put("/channels/nope/settings", json={"approve": True}).status_code == 404
    assert api.post("/channels/nope/sync").status_code == 404


def test_a_channel_is_created_with_keys_both_apis_accept_and_mozello_is_told_the_webhook(api):
    # When a shop is connected with the sandboxes' keys
    answer = api.post("/channels", json=keys(api))
    # Then it exists, with default settings, and Mozello sends its webhooks to it
    assert answer.status_code == 201
    created = answer.get_json()
    assert created["webhook_path"] == f"/webhooks/mozello/{created['id']}"
    assert api.mozello.state.notifications_url == NOWHERE + created["webhook_path"]
    shown = api.get(f"/channels/{created['id']}").get_json()
    assert shown["name"] == "Linu darbnīca" and shown["settings"]["auto_process"] is False


def test_refused_keys_answer_400_per_key_and_store_nothing(api):
    # When the Mozello key is wrong
    answer = api.post("/channels", json=keys(api, mozello_api_key="MZL-wrong"))
    # Then the answer names the key, and no channel was added
    assert answer.status_code == 400
    assert set(answer.get_json()["fields"]) == {"mozello_api_key"}
    assert len(api.get("/channels").get_json()) == 1
    # And a wrong PayTraq token names the PayTraq fields
    answer = api.post("/channels", json=keys(api, paytraq_api_token="wrong"))
    assert {"paytraq_api_key", "paytraq_api_token"} <= set(answer.get_json()["fields"])


@pytest.mark.parametrize("body, field", [
    ({"name": "x"}, "mozello_api_key"),
    ({"name": "", "mozello_api_key": "a", "paytraq_api_key": "b", "paytraq_api_token": "c"},
     "name"),
    ({"name": "x", "mozello_api_key": "has space", "paytraq_api_key": "b",
      "paytraq_api_token": "c"}, "mozello_api_key"),
    ({"name": "x", "mozello_api_key": "a", "paytraq_api_key": "b",
      "paytraq_api_token": "pasted-with-its-newline\n"}, "paytraq_api_token"),
    ({"name": "x", "mozello_api_key": "a", "paytraq_api_key": "b", "paytraq_api_token": "c",
      "admin": True}, "admin"),
    ([1, 2], "_schema"),
])
def test_a_malformed_new_channel_is_400_naming_the_field(api, body, field):
    answer = api.post("/channels", json=body)
    assert answer.status_code == 400
    assert field in answer.get_json()["fields"]


def test_a_body_that_is_not_json_is_400(api):
    answer = api.post("/channels", data="name=x", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 400 and "_body" in answer.get_json()["fields"]


def test_settings_change_only_the_fields_given(api):
    # When the document type, the tax map, the daily sync time and the currency change
    answer = api.put(f"/channels/{api.channel_id}/settings", json={
        "document_type": "sales_invoice", "daily_sync_time": "07:30",
        "tax_map": {"21": "100021", "12": "100012", "0": "100000"}, "currency": "usd"})
    # Then those changed, and everything else kept its value
    assert answer.status_code == 200, answer.get_json()
    settings = settings_of(api)["settings"]
    assert settings["document_type"] == "sales_invoice"
    assert settings["stock_sync"]["daily_time"] == "07:30"
    assert settings["currency"] == "USD"
    assert settings["payment_map"]["paypal"] == "5012" and settings["approve"] is True


def test_a_tax_key_paytraq_does_not_have_or_of_another_rate_is_refused(api):
    answer = api.put(f"/channels/{api.channel_id}/settings",
                     json={"tax_map": {"21": "100012", "12": "424242"}})
    assert answer.status_code == 400
    messages = answer.get_json()["fields"]["tax_map"]
    assert any("100012 (PVN 12%) is 12%, not 21%" in m for m in messages)
    assert any("no tax key 424242" in m for m in messages)
    assert settings_of(api)["settings"]["tax_map"]["21"] == "100021"


def test_every_broken_rule_is_reported_at_once_and_nothing_is_saved(api):
    before = settings_of(api)
    # When a change breaks three rules and changes a valid field too
    answer = api.put(f"/channels/{api.channel_id}/settings", json={
        "approve": False, "sync_prices": True, "price_group_id": "",
        "merchant_accounts": ["cod"], "email_via": "smtp"})
    # Then each broken rule names its field, and not even the valid field was saved
    assert answer.status_code == 400
    assert {"price_group_id", "merchant_accounts", "smtp_host", "smtp_from"} <= set(
        answer.get_json()["fields"])
    assert settings_of(api) == before


@pytest.mark.parametrize("change, field", [
    ({"trigger": "sometimes"}, "trigger"), ({"rounding_limit": "-0.01"}, "rounding_limit"),
    ({"daily_sync_time": "25:00"}, "daily_sync_time"), ({"smtp_port": 0}, "smtp_port"),
    ({"tax_map": {"abc": "1"}}, "tax_map.abc.key"), ({"payment_map": {"gateway": "a b"}},
                                                      "payment_map.gateway.value"),
    ({"warehouse": "1"}, "warehouse"), ({"currency": "euro"}, "currency"),
])
def test_a_malformed_settings_field_is_400_naming_it(api, change, field):
    answer = api.put(f"/channels/{api.channel_id}/settings", json=change)
    assert answer.status_code == 400
    assert field in answer.get_json()["fields"], answer.get_json()


def test_secrets_are_never_echoed_and_the_masked_value_sent_back_keeps_them(api):
    # Given an SMTP password
    api.put(f"/channels/{api.channel_id}/settings", json={
        "smtp_host": "smtp.example.lv", "smtp_from": "shop@example.lv",
        "smtp_password": "correct-horse-battery"})
    shown = settings_of(api)
    assert "correct-horse-battery" not in str(shown)
    # When a form sends the settings back with the masked password
    masked = shown["credentials"]["smtp_password"]
    assert api.put(f"/channels/{api.channel_id}/settings",
                   json={"smtp_password": masked, "email_via": "smtp"}).status_code == 200
    # Then the stored password is still the real one
    with api.runtime.uow_factory() as uow:
        assert uow.channels.credentials(api.channel_id).smtp_password == "correct-horse-battery"


def test_choices_list_paytraqs_tax_keys_and_every_payment_method_seen(api):
    # Given an order paid with a method nobody mapped yet
    api.order(paid=True, payment_method="stripe")
    # When the settings form asks what to offer
    answer = api.get(f"/channels/{api.channel_id}/choices")
    assert answer.status_code == 200
    choices = answer.get_json()
    # Then PayTraq's tax keys, and the known methods plus the one seen in orders
    assert {"id": "100021", "name": "PVN 21%", "rate": "21"} in choices["tax_keys"]["items"]
    methods = {m["method"]: m for m in choices["payment_methods"]}
    assert methods["stripe"] == {"method": "stripe", "known": False, "seen": True,
                                 "money_account_id": None, "merchant_account": False}
    assert methods["gateway"]["merchant_account"] is True and methods["paypal"]["seen"] is False
    # and warehouses, price groups and money accounts are id fields: PayTraq lists none
    assert not choices["warehouses"]["listed"] and not choices["money_accounts"]["listed"]


def test_choices_say_when_paytraq_could_not_list_its_tax_keys(api):
    api.paytraq.stop()
    choices = api.get(f"/channels/{api.channel_id}/choices").get_json()
    assert choices["tax_keys"]["listed"] is False and choices["tax_keys"]["error"]
