"""Configuration is read from the environment and refused in one clear line when wrong."""

import pytest

from entrypoints.config import ConfigError, load_config


def test_embedded_defaults_need_no_setting_at_all():
    config = load_config({})
    assert config.database_url == "sqlite:///var/sales-inbox.sqlite3"
    assert config.embedded is True
    assert (config.host, config.port, config.poll_minutes) == ("127.0.0.1", 8000, 10)
    assert config.public_url == "http://127.0.0.1:8000"


def test_redis_switches_to_the_distributed_mode():
    assert load_config({"SALES_INBOX_REDIS_URL": "redis://127.0.0.1:6379/0"}).embedded is False


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SALES_INBOX_PORT": "eighty"}, "SALES_INBOX_PORT must be a whole number"),
        ({"SALES_INBOX_PORT": "70000"}, "between 1 and 65535"),
        ({"SALES_INBOX_DATABASE_URL": "mysql://x"}, "must be a sqlite"),
        ({"SALES_INBOX_REDIS_URL": "localhost:6379"}, "must start with redis://"),
        ({"SALES_INBOX_SANDBOX": "maybe"}, "auto, on or off"),
        ({"SALES_INBOX_PUBLIC_URL": "shop.example"}, "must start with http"),
        ({"SALES_INBOX_PAYTRAQ_RATE": "fast"}, "must be a number"),
    ],
)
def test_a_wrong_setting_is_named_in_one_line(env, message):
    with pytest.raises(ConfigError, match=message) as error:
        load_config(env)
    assert "\n" not in str(error.value)


def test_binding_off_loopback_needs_an_api_token():
    with pytest.raises(ConfigError, match="SALES_INBOX_API_TOKEN"):
        load_config({"SALES_INBOX_HOST": "0.0.0.0"}).check_exposure("0.0.0.0")
    load_config({"SALES_INBOX_API_TOKEN": "t"}).check_exposure("0.0.0.0")
    load_config({}).check_exposure("127.0.0.1")


def test_retention_keeps_deliveries_and_the_audit_log_90_days_and_sync_results_30():
    kept = load_config({}).retention
    assert (kept.deliveries.days, kept.audit.days, kept.sync_results.days) == (90, 90, 30)


def test_retention_of_zero_days_keeps_records_for_ever_and_a_bad_value_is_named():
    kept = load_config({"SALES_INBOX_KEEP_AUDIT_DAYS": "0",
                        "SALES_INBOX_KEEP_DELIVERIES_DAYS": "7"}).retention
    assert kept.audit is None and kept.deliveries.days == 7
    with pytest.raises(ConfigError, match="SALES_INBOX_KEEP_SYNC_RESULTS_DAYS must be between"):
        load_config({"SALES_INBOX_KEEP_SYNC_RESULTS_DAYS": "-1"})
