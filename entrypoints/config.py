"""Configuration from environment variables, validated at start with one-line errors."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Config:
    database_url: str
    redis_url: str | None
    secret_key: str | None
    secret_key_file: Path
    public_url: str
    host: str
    port: int
    paytraq_api_url: str | None
    mozello_api_url: str | None
    sandbox: str  # auto | on | off
    poll_minutes: int
    worker_threads: int
    var_dir: Path
    paytraq_rate: float = 1.0
    paytraq_burst: int = 5
    paytraq_daily_limit: int = 5000
    api_token: str | None = None

    def check_exposure(self, host: str) -> None:
        """The JSON API reads orders and triggers PayTraq and Mozello writes: off the loopback
        address it must be protected."""
        if not self.api_token and host not in ("127.0.0.1", "localhost", "::1"):
            raise ConfigError(
                f"binding to {host} exposes the JSON API: set SALES_INBOX_API_TOKEN (clients "
                "send `Authorization: Bearer <token>`)"
            )

    @property
    def embedded(self) -> bool:
        """No Redis: the broker, the workers and the scheduler live inside `serve`."""
        return self.redis_url is None


DOCUMENTED = {
    "SALES_INBOX_DATABASE_URL": "database URL; default sqlite file var/sales-inbox.sqlite3",
    "SALES_INBOX_REDIS_URL": "Redis URL; set → distributed mode (RedisBroker); unset → embedded",
    "SALES_INBOX_SECRET_KEY": "Fernet key for credentials at rest; unset → generated into var/",
    "SALES_INBOX_PUBLIC_URL": "public base URL Mozello calls (webhook URL = this + /webhooks/...)",
    "SALES_INBOX_HOST": "web bind address (127.0.0.1)",
    "SALES_INBOX_API_TOKEN": "bearer token for /api/* and /metrics; required off 127.0.0.1",
    "SALES_INBOX_PORT": "web port (8000)",
    "SALES_INBOX_SANDBOX": "auto | on | off: built-in PayTraq and Mozello sandboxes",
    "SALES_INBOX_POLL_MINUTES": "catch-up poll interval per channel (10)",
    "SALES_INBOX_WORKER_THREADS": "worker threads in embedded mode (4)",
    "SALES_INBOX_LOG_FORMAT": "auto | json | console",
    "SALES_INBOX_LOG_LEVEL": "DEBUG | INFO | WARNING",
    "SALES_INBOX_PAYTRAQ_RATE": "PayTraq requests a second per company (1.0; raise only for sandboxes)",
    "SALES_INBOX_PAYTRAQ_BURST": "PayTraq burst (5)",
    "SALES_INBOX_PAYTRAQ_DAILY_LIMIT": "PayTraq requests a day per company (5000; raise only for sandboxes)",
    "PAYTRAQ_API_URL": "PayTraq API base (https://go.paytraq.com/api/)",
    "MOZELLO_API_URL": "Mozello Store API base (https://api.mozello.com/v1/)",
}


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def load_config(env: Mapping[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    var_dir = Path(env.get("SALES_INBOX_VAR_DIR", "var"))
    database_url = env.get("SALES_INBOX_DATABASE_URL", "").strip() or (
        f"sqlite:///{var_dir / 'sales-inbox.sqlite3'}"
    )
    if not database_url.startswith(("sqlite", "postgresql")):
        raise ConfigError(
            "SALES_INBOX_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL"
        )
    redis_url = env.get("SALES_INBOX_REDIS_URL", "").strip() or None
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("SALES_INBOX_REDIS_URL must start with redis://, rediss:// or unix://")
    port = _int(env, "SALES_INBOX_PORT", 8000, 1, 65535)
    host = env.get("SALES_INBOX_HOST", "127.0.0.1").strip() or "127.0.0.1"
    sandbox = env.get("SALES_INBOX_SANDBOX", "auto").strip().lower() or "auto"
    if sandbox not in ("auto", "on", "off"):
        raise ConfigError(f"SALES_INBOX_SANDBOX must be auto, on or off, got {sandbox!r}")
    public_url = env.get("SALES_INBOX_PUBLIC_URL", "").strip() or f"http://{host}:{port}"
    if not public_url.startswith(("http://", "https://")):
        raise ConfigError("SALES_INBOX_PUBLIC_URL must start with http:// or https://")
    return Config(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=env.get("SALES_INBOX_SECRET_KEY", "").strip() or None,
        secret_key_file=var_dir / "secret.key",
        public_url=public_url.rstrip("/"),
        host=host,
        port=port,
        paytraq_api_url=env.get("PAYTRAQ_API_URL", "").strip() or None,
        mozello_api_url=env.get("MOZELLO_API_URL", "").strip() or None,
        sandbox=sandbox,
        poll_minutes=_int(env, "SALES_INBOX_POLL_MINUTES", 10, 1, 1440),
        worker_threads=_int(env, "SALES_INBOX_WORKER_THREADS", 4, 1, 64),
        var_dir=var_dir,
        paytraq_rate=_float(env, "SALES_INBOX_PAYTRAQ_RATE", 1.0, 0.01, 1000.0),
        paytraq_burst=_int(env, "SALES_INBOX_PAYTRAQ_BURST", 5, 1, 1000),
        paytraq_daily_limit=_int(env, "SALES_INBOX_PAYTRAQ_DAILY_LIMIT", 5000, 1, 10_000_000),
        api_token=env.get("SALES_INBOX_API_TOKEN", "").strip() or None,
    )
