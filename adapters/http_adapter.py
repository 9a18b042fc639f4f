"""requests' own transport adapter, less what it repeats on every call of an API session for
nothing (the adapter is requests' documented way to change how requests are sent):

- The connection pool for a scheme, host and port (with its TLS settings) is found once.
  requests builds a pool key from the parsed URL on every call and asks urllib3's PoolManager,
  which hands back the very same pool; that pool is kept here, and asked for again only once the
  PoolManager has closed it (it keeps `pool_connections` hosts at most).
- Without a proxy the URL sent is the request's path, as requests' `request_url` finds after
  parsing the URL twice.
- A body that is not streamed is read whole in one read, with the errors `Response.content`
  raises; requests reads it through a generator in 10 KB chunks. A redirect's body is left to
  requests, which drops one it cannot read and follows the redirect.

Everything else — TLS checks, timeouts, urllib3's `Retry(0, read=False)`, the mapping of
urllib3's errors, redirects and cookies (the Session) — is requests' own code. With a proxy,
requests' adapter does it all. About a sixth of a call's CPU (docs/performance.md)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.exceptions import ChunkedEncodingError, ContentDecodingError
from requests.utils import select_proxy
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError, SSLError


class DirectAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        self._pools: dict[tuple, Any] = {}  # a new PoolManager has pools of its own
        super().init_poolmanager(*args, **kwargs)

    def get_connection_with_tls_context(self, request: requests.PreparedRequest, verify: Any,
                                        proxies: dict[str, str] | None = None,
                                        cert: Any = None) -> Any:
        if proxies and select_proxy(request.url, proxies):
            return super().get_connection_with_tls_context(request, verify, proxies, cert)
        parts = urlsplit(request.url)
        key = (parts.scheme.lower(), parts.netloc.lower(), verify, cert)
        pool = self._pools.get(key)
        if pool is None or pool.pool is None:  # none yet, or closed by the PoolManager
            pool = self._pools[key] = super().get_connection_with_tls_context(
                request, verify, proxies, cert)
        return pool

    def request_url(self, request: requests.PreparedRequest,
                    proxies: dict[str, str] | None) -> str:
        if proxies and select_proxy(request.url, proxies):
            return super().request_url(request, proxies)
        return request.path_url

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: dict[str, str] | None = None) -> requests.Response:
        response = super().send(request, stream=stream, timeout=timeout, verify=verify,
                                cert=cert, proxies=proxies)
        if not stream and not response.is_redirect:  # a redirect's body is requests' business
            response._content = _whole_body(response.raw)
            response._content_consumed = True
        return response


def _whole_body(raw: Any) -> bytes:
    """The answer's body, decoded as requests decodes it, its errors raised as requests'
    `Response.iter_content` raises them."""
    try:
        return raw.read(decode_content=True) or b""
    except ProtocolError as error:
        raise ChunkedEncodingError(error) from error
    except DecodeError as error:
        raise ContentDecodingError(error) from error
    except ReadTimeoutError as error:
        raise requests.ConnectionError(error) from error
    except SSLError as error:
        raise requests.exceptions.SSLError(error) from error
