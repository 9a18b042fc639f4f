"""Configuration from environment variables, validated at start with one-line errors."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from application.retention import RetentionPolicy
from entrypoints.web.proxies import TrustedProxies, parse_trusted_proxies

MIN_TOKEN_LENGTH = 16
LOOPBACK = ("127.0.0.1", "localhost", "::1")


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
    old_secret_keys: tuple[str, ...] = ()
    metrics_token: str | None = None
    metrics_public: bool = False
    trusted_proxies: TrustedProxies = field(default_factory=TrustedProxies)
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)

    def check_exposure(self, host: str) -> None:
        """Every route but /healthz and the signed webhook needs credentials wherever we bind;
        but a bare count of trusted proxies believes the X-Forwarded-* headers of whoever
        connects, so off the loopback address the proxies must be named."""
        proxies = self.trusted_proxies
        if proxies.hops and not proxies.networks and host not in LOOPBACK:
            raise ConfigError(
                f"binding to {host} with SALES_INBOX_TRUSTED_PROXIES={proxies.hops} lets any "
                "client forge X-Forwarded-For: list the proxies' addresses instead (e.g. "
                "SALES_INBOX_TRUSTED_PROXIES=10.0.0.5) or bind to 127.0.0.1"
            )

    @property
    def secret_keys(self) -> str | None:
        """The keys the credential box accepts, the encrypting one first (None: the key file)."""
        if not self.secret_key:
            return None
        return ",".join((self.secret_key, *self.old_secret_keys))

    @property
    def https(self) -> bool:
        """Served over HTTPS (directly or behind a proxy): cookies are sent over HTTPS only."""
        return self.public_url.startswith("https://")

    @property
    def embedded(self) -> bool:
        """No Redis: the broker, the workers and the scheduler live inside `serve`."""
        return self.redis_url is None


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


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")


def _secrets(env: Mapping[str, str]) -> dict:
    """The keys and tokens; a token too short to resist guessing is refused."""
    secret_key = env.get("SALES_INBOX_SECRET_KEY", "").strip() or None
    old = tuple(k.strip() for k in env.get("SALES_INBOX_OLD_SECRET_KEYS", "").split(",")
                if k.strip())
    if old and not secret_key:
        raise ConfigError("SALES_INBOX_OLD_SECRET_KEYS needs SALES_INBOX_SECRET_KEY (the new key)")
    tokens = {}
    for name, setting in (("api_token", "SALES_INBOX_API_TOKEN"),
                          ("metrics_token", "SALES_INBOX_METRICS_TOKEN")):
        token = env.get(setting, "").strip() or None
        if token is not None and len(token) < MIN_TOKEN_LENGTH:
            raise ConfigError(f"{setting} must be at least {MIN_TOKEN_LENGTH} characters "
                              "(make one with `openssl rand -hex 32`)")
        tokens[name] = token
    metrics_public = _flag(env, "SALES_INBOX_METRICS_PUBLIC")
    if metrics_public and tokens["metrics_token"]:
        raise ConfigError("set SALES_INBOX_METRICS_TOKEN or SALES_INBOX_METRICS_PUBLIC=1, not both")
    return {"secret_key": secret_key, "old_secret_keys": old, "metrics_public": metrics_public,
            **tokens}


def _days(env: Mapping[str, str], name: str, default: timedelta | None) -> timedelta | None:
    days = _int(env, name, default.days if default else 0, 0, 3650)
    return timedelta(days=days) if days else None


def _retention(env: Mapping[str, str]) -> RetentionPolicy:
    kept = RetentionPolicy()
    return RetentionPolicy(
        deliveries=_days(env, "SALES_INBOX_KEEP_DELIVERIES_DAYS", kept.deliveries),
        audit=_days(env, "SALES_INBOX_KEEP_AUDIT_DAYS", kept.audit),
        call_bodies=_days(env, "SALES_INBOX_KEEP_CALL_BODIES_DAYS", kept.call_bodies),
        sync_results=_days(env, "SALES_INBOX_KEEP_SYNC_RESULTS_DAYS", kept.sync_results),
    )


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
        trusted_proxies=_trusted_proxies(env),
        **_secrets(env),
        retention=_retention(env),
    )


def _trusted_proxies(env: Mapping[str, str]) -> TrustedProxies:
    try:
        return parse_trusted_proxies(env.get("SALES_INBOX_TRUSTED_PROXIES", ""))
    except ValueError as error:
        raise ConfigError(f"SALES_INBOX_TRUSTED_PROXIES {error}") from None
