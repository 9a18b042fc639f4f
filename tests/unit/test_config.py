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
