"""What is kept of a call made for an order — its query string, the request and the response
body with their content types — so `inbox trace` can show exactly what PayTraq or Mozello
received and answered.

Taken in the caller's thread, before the entry is queued for the audit writer, so a secret never
travels further than the transport: every known secret value of the channel (API keys and
tokens, the PayTraq Connect URL and its channel id) is masked, and so are secret-looking query
parameters. Headers are not kept at all (Authorization, APIKey/APIToken, X-Mozello-Hash), only
the content type. Each body is capped at MAX_BODY bytes with a visible marker.

Cheap by design (the worker calls it for every PayTraq call of an order): no parsing, no
re-serialising — one slice, a `bytes.replace` per secret and one decode. The buyer's personal data
stays in the stored text; it is replaced by placeholders when shown
(adapters/shown_bodies.py)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, urlencode, urlsplit

from adapters.outside_calls import Wire
from application.ports import CallBodies, ChannelCredentials, secret_name

MAX_BODY = 32 * 1024  # bytes kept of each body
MAX_TYPE = 120
MASK = b"***"
SHORTEST_SECRET = 4  # a shorter "secret" would mask half the body; real keys are far longer
TRUNCATED_MARK = "\n…[truncated by Sales Inbox: "
TRUNCATED = TRUNCATED_MARK + "{total} bytes in all, the first {kept} kept]"


class SecretMask:
    """The channel's secret values, as they could appear in a body or a query string."""

    def __init__(self, secrets: Iterable[str]):
        variants = set()
        for secret in secrets:
            secret = (secret or "").strip()
            if len(secret) >= SHORTEST_SECRET:
                variants.update({secret, quote(secret, safe=""), quote(secret, safe="/:")})
        # the longest first, so a URL is masked whole before its last segment is
        self.values = tuple(v.encode() for v in sorted(variants, key=len, reverse=True))
        self.longest = max((len(v) for v in self.values), default=0)

    @classmethod
    def of(cls, credentials: ChannelCredentials) -> SecretMask:
        connect = credentials.paytraq_connect_url
        channel = urlsplit(connect).path.rstrip("/").rsplit("/", 1)[-1] if connect else ""
        return cls([credentials.paytraq_api_key, credentials.paytraq_api_token,
                    credentials.mozello_api_key, credentials.smtp_password, connect, channel])

    def __call__(self, data: bytes) -> bytes:
        for value in self.values:
            if value in data:
                data = data.replace(value, MASK)
        return data


def captured(wire: Wire, mask: SecretMask) -> CallBodies:
    """The wire of one call as it is stored: capped, secrets masked."""
    return CallBodies(
        query=_query(wire.params, mask),
        request_type=_type(wire.sent_type), request_body=_text(wire.sent, mask),
        response_type=_type(wire.answer_type), response_body=_text(wire.answer, mask),
    )


def _query(params, mask: SecretMask) -> str | None:
    if not params:
        return None
    shown = {name: "***" if secret_name(name) else value for name, value in params.items()}
    return _text(urlencode(shown, safe="*").encode(), mask)


def _type(content_type: str | None) -> str | None:
    return content_type[:MAX_TYPE] if content_type else None


def _text(body: bytes | None, mask: SecretMask) -> str | None:
    """At most MAX_BODY bytes of the body, secrets masked before the cut (a secret straddling
    the cut is masked whole), then a marker saying how much there was."""
    if body is None:
        return None
    head = mask(body[:MAX_BODY + mask.longest])
    kept = head[:MAX_BODY]
    text = kept.decode("utf-8", "replace").replace("\x00", "")  # PostgreSQL text holds no NUL
    if len(body) > MAX_BODY + mask.longest or len(head) > MAX_BODY:
        text += TRUNCATED.format(total=len(body), kept=len(kept))
    return text
