"""Webhook signatures: X-Mozello-Hash = base64(HMAC-SHA256(api_key, raw body bytes)).

Always sign and verify the raw bytes as received: re-serialised JSON loses Mozello's `\\/` and
`\\uXXXX` escapes and its key order, and the check would fail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(body: bytes, api_key: str) -> str:
    digest = hmac.new(api_key.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(body: bytes, header: str | None, api_key: str) -> bool:
    """True when `header` is the signature of exactly these bytes; compared in constant time."""
    if not header or not api_key:
        return False
    expected = sign(body, api_key).encode("ascii")
    try:
        given = header.strip().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, given)
