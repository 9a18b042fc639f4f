"""The security headers every answer of the web app carries.

No inline script or style may run (a Content-Security-Policy of our own origin only), no other
site may frame a page, no URL leaks to another site in a Referer, no answer is sniffed into a type
it is not, and a browser that reached us over HTTPS keeps to HTTPS (HSTS)."""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
HSTS = "max-age=31536000; includeSubDomains"


_PLAIN = tuple(HEADERS.items())
_SECURE = (*_PLAIN, ("Strict-Transport-Security", HSTS))


def security_headers(secure: bool) -> tuple[tuple[str, str], ...]:
    """The headers for an answer over HTTPS (`secure`: directly or as a trusted proxy says, see
    proxies.py) or plain HTTP, where HSTS would be ignored and is left out."""
    return _SECURE if secure else _PLAIN


def add_security_headers(response: Response) -> Response:
    """An `after_request` hook; a header the view set itself is kept."""
    for name, value in security_headers(request.is_secure):
        response.headers.setdefault(name, value)
    return response


def install(app: Flask) -> None:
    app.after_request(add_security_headers)
