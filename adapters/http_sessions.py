"""The requests plumbing every API client shares: a session per API that reads the
environment once and sends through DirectAdapter (http_adapter.py), its headers merged and
checked once, and each call prepared and sent without requests merging the session's settings
again. What a call means — timeouts, retries, "never sent" — is outside_calls.py's."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

import requests
from requests.cookies import RequestsCookieJar, merge_cookies
from requests.structures import CaseInsensitiveDict
from requests.utils import check_header_validity, requote_uri

from adapters.http_adapter import DirectAdapter
from application.errors import UnusableCredential

# credentials sent as headers of their own (PayTraq's); requests drops only Authorization (how
# Mozello's key goes) when a redirect leads to another host
CREDENTIAL_HEADERS = ("APIKey", "APIToken")


class _ApiSession(requests.Session):
    """requests' Session that, like Authorization, drops every credential header when a
    redirect leads away from the host it was meant for."""

    def rebuild_auth(self, prepared_request: requests.PreparedRequest,
                     response: requests.Response) -> None:
        super().rebuild_auth(prepared_request, response)
        if self.should_strip_auth(response.request.url, prepared_request.url):
            for name in CREDENTIAL_HEADERS:
                prepared_request.headers.pop(name, None)


def http_session(base_url: str) -> requests.Session:
    """A session for one API whose environment settings (proxy for `base_url`, honouring
    no_proxy; CA bundle) are read once, here. requests otherwise reads the whole process
    environment before every request — more CPU than the rest of the call. (.netrc is not
    consulted: every API here authenticates by its own headers.) Its calls go through
    DirectAdapter (http_adapter.py): requests' adapter without its per-call repetitions. A
    redirect to another host carries no credential header (_ApiSession)."""
    session = _ApiSession()
    for scheme in ("https://", "http://"):
        session.mount(scheme, DirectAdapter())
    found = session.merge_environment_settings(base_url, {}, None, None, None)
    session.trust_env = False
    session.proxies.update(found["proxies"])
    if found["verify"] not in (None, True):
        session.verify = found["verify"]
    return session


def session_headers(session: requests.Session, headers: Mapping[str, str],
                    settings: Mapping[str, str] | None = None) -> CaseInsensitiveDict:
    """`headers` over the session's own, merged as requests merges them for every request;
    done once per API client (send), and checked once as requests checks them on every call:
    a value with a line break or leading blanks (a token pasted with its newline) is refused
    here (UnusableCredential), naming the setting it comes from (`settings`: header → setting)
    but never its value (it may be a secret)."""
    merged = CaseInsensitiveDict(session.headers)
    merged.update(headers)
    merged = CaseInsensitiveDict((name, value) for name, value in merged.items()
                                 if value is not None)
    for name, value in merged.items():
        try:
            check_header_validity((name, value))
        except requests.exceptions.InvalidHeader:
            what = (settings or {}).get(name) or f"the {name} header"
            raise UnusableCredential(
                f"{what} cannot be sent: it holds a line break, leading blanks or another "
                "character a request header cannot carry; set it again") from None
    return merged


def send(session: requests.Session, method: str, url: str, *, headers: CaseInsensitiveDict,
         timeout: tuple[float, float], params: Mapping[str, str] | None = None,
         data: bytes | None = None, follow_redirects: bool = True) -> requests.Response:
    """`session.request(...)`, less the merging of the session's settings into each request:
    `headers` come merged already (session_headers) and a session made by http_session reads no
    environment, so the request is prepared (prepared()) and sent with the session's proxies,
    TLS settings and cookie jar, redirects followed unless `follow_redirects` is False (a
    write: a redirect after it may have acted is its caller's to judge). That merging was about
    a fifth of a call's CPU (requests checks every mapping against a typing Protocol)."""
    if session.trust_env:  # a session that reads the environment for each request
        return session.request(method, url, params=params, data=data, headers=headers,
                               timeout=timeout, allow_redirects=follow_redirects)
    return session.send(prepared(session, method, url, headers, params, data), timeout=timeout,
                        allow_redirects=follow_redirects, proxies=session.proxies,
                        stream=session.stream, verify=session.verify, cert=session.cert)


# an origin, then path segments of letters, digits, `_`, `~` and `-` only: nothing requests
# would quote, resolve or re-encode (a document's `sale/15600003/post`)
_PLAIN_PATH = re.compile(r"(?P<origin>[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\\]+)"
                         r"(?P<path>(?:/[A-Za-z0-9_~-]+)*/?)", re.ASCII)


def checked_url(url: str) -> tuple[str, bool]:
    """`url` as requests' `prepare_url` leaves it, and whether it is plain (_checked_url). A
    URL whose path is plain is its checked origin and that path: the origin is checked once,
    not each document's URL once each."""
    found = _PLAIN_PATH.fullmatch(url)
    if found is None:
        return _checked_url(url)
    origin, plain = _checked_url(found["origin"] + "/")
    return origin + found["path"][1:], plain


@functools.lru_cache(maxsize=4096)
def _checked_url(url: str) -> tuple[str, bool]:
    """`url` as requests' `prepare_url` leaves it (scheme and host checked and lower-cased, dot
    segments resolved, quoting normalised), and whether it is plain: no credentials in it (from
    which requests would make a Basic Authorization header) and no fragment."""
    request = requests.PreparedRequest()
    request.prepare_url(url, None)
    parts = urlsplit(request.url)
    return request.url, "@" not in parts.netloc and not parts.fragment


def prepared(session: requests.Session, method: str, url: str, headers: CaseInsensitiveDict,
             params: Mapping[str, str | None] | None,
             data: bytes | None) -> requests.PreparedRequest:
    """The request `PreparedRequest.prepare` would make of these parts, for an API whose base
    URL was checked when it was configured: the query encoded (a None value left out) and the
    URL re-quoted as requests does, the session's cookies only when it holds some (a load
    balancer's), the body's length, the session's hooks. `prepare` parses and re-checks the
    URL, builds and consults a cookie jar and runs the auth machinery on every call: a sixth of
    a call's CPU. A URL that is not plain is prepared by requests itself."""
    checked, plain = checked_url(url)
    if not plain:
        request = requests.PreparedRequest()
        request.prepare(method=method, url=url, headers=headers, data=data, params=params,
                        cookies=merge_cookies(RequestsCookieJar(), session.cookies),
                        hooks=session.hooks)
        return request
    request = requests.PreparedRequest()
    request.method = method.upper()
    pairs = [(name, value) for name, value in (params or {}).items() if value is not None]
    if pairs:
        query = urlencode(pairs, doseq=True)
        checked = requote_uri(f"{checked}{'&' if '?' in checked else '?'}{query}")
    request.url = checked
    request.headers = CaseInsensitiveDict(headers)
    jar = RequestsCookieJar()
    if len(session.cookies):
        request.prepare_cookies(merge_cookies(jar, session.cookies))
    else:
        request._cookies = jar  # where a redirect's cookies are gathered (resolve_redirects)
    request.body = data or None  # an empty body is none, as requests has it
    if request.body is not None:
        request.headers["Content-Length"] = str(len(request.body))
    elif request.method not in ("GET", "HEAD"):
        request.headers["Content-Length"] = "0"
    request.prepare_hooks(session.hooks)
    return request
