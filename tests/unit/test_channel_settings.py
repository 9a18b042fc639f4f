"""Changing a channel's settings: only what was given, every rule checked first, nothing
half-saved — the rules the CLI, the JSON API and the console share."""

from __future__ import annotations

from datetime import time

import pytest

from adapters.memory.gateways import StaticGateways
from adapters.memory.uow import InMemoryUnitOfWork
from application.channel_settings import SettingsChange, canonical_rate, update_channel_settings
from application.errors import InvalidInput, TransientError, UnknownChannel
from domain.settings import DocumentType, EmailVia
from tests.unit.builders import NO_VAT, PVN12, PVN21, D, pipeline, settings


def change(p, **given):
    return update_channel_settings(p.channel_id, SettingsChange(**given),
                                   InMemoryUnitOfWork(p.store),
                                   StaticGateways(p.accounting), p.clock)


def stored(p):
    with InMemoryUnitOfWork(p.store) as uow:
        return uow.channels.get(p.channel_id).settings, uow.channels.credentials(p.channel_id)


def test_only_the_fields_given_change():
    p = pipeline()
    saved = change(p, document_type=DocumentType.SALES_INVOICE, daily_sync_time=time(7, 30))
    now, _ = stored(p)
    assert now.document_type is DocumentType.SALES_INVOICE
    assert now.stock_sync.daily_time == time(7, 30)
    assert now.payment_mappings == settings().payment_mappings
    assert saved.channel.settings == now and saved.warnings == []


def test_a_map_given_replaces_the_stored_one_and_an_empty_id_clears():
    p = pipeline()
    change(p, payment_map={"paypal": "5002"}, merchant_accounts=[], warehouse_id="")
    now, _ = stored(p)
    assert [(m.method, m.money_account_id, m.merchant_account)
            for m in now.payment_mappings] == [("paypal", "5002", False)]
    assert now.warehouse_id is None


def test_the_currency_is_kept_as_its_iso_code():
    p = pipeline()
    change(p, currency=" usd ")
    assert stored(p)[0].currency == "USD"


def test_switching_automatic_processing_on_records_since_when():
    p = pipeline(settings(auto_process=False))
    change(p, auto_process=True)
    assert stored(p)[0].auto_process_since is not None


@pytest.mark.parametrize(("given", "field"), [
    ({"sync_prices": True}, "price_group_id"),
    ({"merchant_accounts": ["cod"]}, "merchant_accounts"),
    ({"payment_map": {"gateway": ""}}, "payment_map"),
    ({"rounding_limit": D("0.02"), "rounding_tax_key": ""}, "rounding_tax_key"),
    ({"email_via": EmailVia.SMTP}, "smtp_host"),
    ({"tax_map": {D("21"): PVN12.id}}, "tax_map"),
    ({"tax_map": {D("21"): "424242"}}, "tax_map"),
    ({"rounding_tax_key": "424242"}, "rounding_tax_key"),
    ({"currency": "euro"}, "currency"),
])
def test_a_broken_rule_names_its_field_and_nothing_is_saved(given, field):
    p = pipeline()
    before = stored(p)
    with pytest.raises(InvalidInput) as refused:
        change(p, approve=False, **given)
    assert field in refused.value.fields
    assert stored(p) == before


def test_tax_keys_are_checked_against_paytraq_only_when_they_change():
    p = pipeline()
    change(p, approve=False)
    assert "tax_keys" not in p.accounting.calls
    change(p, tax_map={D("21"): PVN21.id, D("0"): NO_VAT.id})
    assert p.accounting.calls.count("tax_keys") == 1


def test_when_paytraq_cannot_list_tax_keys_the_change_is_saved_with_a_warning():
    p = pipeline()
    p.accounting.fail("tax_keys", TransientError("PayTraq timed out"))
    saved = change(p, tax_map={D("21"): "777"})
    assert saved.warnings == ["tax keys not checked against PayTraq: PayTraq timed out"]
    assert stored(p)[0].tax_keys == ((D("21"), "777"),)


def test_smtp_settings_are_credentials_saved_with_the_settings():
    p = pipeline()
    change(p, email_via=EmailVia.SMTP, smtp_host="smtp.example.lv", smtp_from="a@example.lv",
           smtp_password="s3cret")
    now, credentials = stored(p)
    assert now.email_via is EmailVia.SMTP
    assert (credentials.smtp_host, credentials.smtp_password) == ("smtp.example.lv", "s3cret")
    assert credentials.mozello_api_key == "MZL-test"


def test_an_unknown_channel_is_refused():
    p = pipeline()
    p.channel_id = "nope"
    with pytest.raises(UnknownChannel):
        change(p, approve=True)


@pytest.mark.parametrize(("rate", "canonical"), [("21", "21"), ("21.0", "21"), ("5.50", "5.5"),
                                                 ("0.00", "0"), ("2.1E+1", "21")])
def test_a_vat_rate_has_one_canonical_form(rate, canonical):
    assert str(canonical_rate(D(rate))) == canonical
