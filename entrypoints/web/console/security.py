"""Who may see what: a logged-in person for the pages, a session or the bearer token for the
JSON API, nobody for the webhook (its signature protects it) and /healthz. Every form carries
the session's CSRF token; a session-authenticated JSON write carries it as X-CSRF-Token."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from entrypoints.config import Config

OPEN_PREFIXES = ("/healthz", "/webhooks/", "/static/", "/login", "/language/")
API_PREFIXES = ("/api/", "/metrics")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MACHINE_PREFIXES = ("/webhooks/", "/healthz", "/metrics", "/api/")


def session_key(config: Config) -> bytes:
    """The key signing session cookies: derived from SALES_INBOX_SECRET_KEY when set (the same
    on every machine), else generated once into var/session.key."""
    if config.secret_key:
        return hashlib.sha256(b"sales-inbox session\0" + config.secret_key.encode()).digest()
    path = Path(config.var_dir) / "session.key"
    if not path.exists():  # several processes may start at once: the first complete key wins
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"session.key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_bytes()


class LazyKeySessions(SecureCookieSessionInterface):
    """Signed-cookie sessions whose key is found (or created) when a person's request first
    needs it: machine-only processes (webhook, API, the demo) never touch var/ for it."""

    def __init__(self, key_source):
        self.key_source = key_source

    def get_signing_serializer(self, app):
        if not app.secret_key:
            if request.path.startswith(MACHINE_PREFIXES) and \
                    app.config["SESSION_COOKIE_NAME"] not in request.cookies:
                return None  # a null session: nobody logged in
            app.secret_key = self.key_source()
        return super().get_signing_serializer(app)


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _csrf_ok(given: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and given and hmac.compare_digest(expected, given))


def bearer_ok(config: Config) -> bool:
    given = request.headers.get("Authorization", "")
    return bool(config.api_token) and hmac.compare_digest(
        given.encode(), f"Bearer {config.api_token}".encode())


def guard(config: Config):
    """The `before_request` check; None lets the request through."""
    g.user = session.get("user")
    path = request.path
    if path.startswith(OPEN_PREFIXES):
        return _form_csrf() if path.startswith(("/login", "/language/")) else None
    if path.startswith(API_PREFIXES):
        if bearer_ok(config):
            return None
        if g.user:
            if request.method not in SAFE_METHODS and not _csrf_ok(
                    request.headers.get("X-CSRF-Token")):
                abort(403, "missing or wrong CSRF token")
            return None
        if not config.api_token:
            return None  # no token configured: the JSON API is open (loopback only, see config)
        from flask import jsonify

        return jsonify(error="log in, or send the API token (Authorization: Bearer …)"), 401
    if not g.user:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return _form_csrf()


def _form_csrf():
    if request.method in SAFE_METHODS or _csrf_ok(request.form.get("csrf_token")):
        return None
    abort(403, "missing or wrong CSRF token")


def safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    if not target or urlsplit(target).netloc or not target.startswith("/") \
            or target.startswith("//"):
        return url_for("inbox.index")
    return target
