"""The console's sessions: signed cookies naming the logged-in person, and the CSRF token every
form (and every session-authenticated JSON write) carries. Who may see what is decided by the
app's one guard, `require_credentials` in context.py."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from flask import session
from flask.sessions import SecureCookieSessionInterface

from entrypoints.config import Config


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
    """Signed-cookie sessions whose key is found (or created) only when a cookie is read or
    written: requests without a session cookie (the webhook, the API by token, /healthz, an
    anonymous visitor sent to the login page) never touch var/ for it."""

    def __init__(self, key_source):
        self.key_source = key_source

    def open_session(self, app, request):
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()  # nobody logged in
        return super().open_session(app, request)

    def get_signing_serializer(self, app):
        if not app.secret_key:
            app.secret_key = self.key_source()
        return super().get_signing_serializer(app)


def logged_in_user() -> str | None:
    return session.get("user")


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_ok(given: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and given and hmac.compare_digest(expected, given))
