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


TOKEN = "a" * 32


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SALES_INBOX_API_TOKEN": "short"}, "SALES_INBOX_API_TOKEN must be at least 16"),
        ({"SALES_INBOX_METRICS_TOKEN": "short"}, "SALES_INBOX_METRICS_TOKEN must be at least 16"),
        ({"SALES_INBOX_METRICS_PUBLIC": "maybe"}, "SALES_INBOX_METRICS_PUBLIC must be 1 or 0"),
        ({"SALES_INBOX_METRICS_PUBLIC": "1", "SALES_INBOX_METRICS_TOKEN": TOKEN}, "not both"),
        ({"SALES_INBOX_OLD_SECRET_KEYS": "k"}, "needs SALES_INBOX_SECRET_KEY"),
        ({"SALES_INBOX_TRUSTED_PROXIES": "nginx"}, "must be a count or addresses"),
        ({"SALES_INBOX_TRUSTED_PROXIES": "9"}, "from 0 to 5"),
    ],
)
def test_a_wrong_security_setting_is_named_in_one_line(env, message):
    with pytest.raises(ConfigError, match=message):
        load_config(env)


def test_old_secret_keys_are_read_after_the_new_one():
    # Given a rotation in progress
    config = load_config({"SALES_INBOX_SECRET_KEY": "new",
                          "SALES_INBOX_OLD_SECRET_KEYS": "older, oldest"})
    # Then the box gets the new key first (it encrypts) and the old ones after it
    assert config.secret_keys == "new,older,oldest"


def test_the_session_cookie_is_secure_when_served_over_https():
    assert load_config({"SALES_INBOX_PUBLIC_URL": "https://inbox.example.lv"}).https is True
    assert load_config({}).https is False


def test_a_count_of_trusted_proxies_off_loopback_is_refused():
    # Given one trusted proxy by count: whoever connects is believed
    config = load_config({"SALES_INBOX_TRUSTED_PROXIES": "1"})
    # When binding where others can connect, Then the start is refused
    with pytest.raises(ConfigError, match="list the proxies' addresses"):
        config.check_exposure("0.0.0.0")
    # but on the loopback address only the local proxy can connect
    config.check_exposure("127.0.0.1")
    # and named proxies are safe anywhere
    load_config({"SALES_INBOX_TRUSTED_PROXIES": "10.0.0.5"}).check_exposure("0.0.0.0")


def test_no_token_set_means_nothing_is_reachable_by_token():
    config = load_config({})
    assert (config.api_token, config.metrics_token, config.metrics_public) == (None, None, False)


def test_retention_keeps_deliveries_and_the_audit_log_90_days_call_bodies_and_sync_results_30():
    kept = load_config({}).retention
    assert (kept.deliveries.days, kept.audit.days, kept.call_bodies.days,
            kept.sync_results.days) == (90, 90, 30, 30)


def test_the_bodies_of_an_orders_calls_are_kept_as_long_as_set():
    assert load_config({"SALES_INBOX_KEEP_CALL_BODIES_DAYS": "7"}).retention.call_bodies.days == 7
    assert load_config({"SALES_INBOX_KEEP_CALL_BODIES_DAYS": "0"}).retention.call_bodies is None


def test_retention_of_zero_days_keeps_records_for_ever_and_a_bad_value_is_named():
    kept = load_config({"SALES_INBOX_KEEP_AUDIT_DAYS": "0",
                        "SALES_INBOX_KEEP_DELIVERIES_DAYS": "7"}).retention
    assert kept.audit is None and kept.deliveries.days == 7
    with pytest.raises(ConfigError, match="SALES_INBOX_KEEP_SYNC_RESULTS_DAYS must be between"):
        load_config({"SALES_INBOX_KEEP_SYNC_RESULTS_DAYS": "-1"})
