"""Log in, log out, and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from application.logins import LoginRefused, log_in
from entrypoints.passwords import password_matches
from entrypoints.web.console.actions import record
from entrypoints.web.console.i18n import LANGUAGES
from entrypoints.web.context import runtime

blueprint = Blueprint("auth", __name__)


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        name = request.form.get("username", "").strip()
        try:
            user = log_in(runtime().uow_factory(), name, request.form.get("password", ""),
                          request.remote_addr or "?", password_matches, runtime().clock)
        except LoginRefused as refused:
            error = _("Too many failed logins: try again in 15 minutes.") if refused.locked \
                else _("Wrong user name or password.")
        else:
            language = session.get("lang")
            session.clear()  # a fresh session (and CSRF token) for the logged-in person
            session.update(user=user.name, stamp=user.session_stamp, **({"lang": language} if language else {}))
            return redirect(safe_next(request.args.get("next")))
    status = 401 if error else 200
    return render_template("login.html", error=error), status


@blueprint.post("/logout")
def logout():
    if session.get("user"):
        record("logged_out")
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    return redirect(url_for("auth.login"))


@blueprint.post("/language/<code>")
def language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.form.get("next")))


def safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    if not target or urlsplit(target).netloc or not target.startswith("/") \
            or target.startswith("//"):
        return url_for("inbox.index")
    return target
