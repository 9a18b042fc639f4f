"""Reverse proxies we believe: their X-Forwarded-For/Proto/Host name the real client and scheme.

Nobody else's: a header from a client that reached us directly is ignored, or anybody could
claim any address (and dodge a lock-out) or pretend to be on HTTPS."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class TrustedProxies:
    """`hops` proxies in front of us; with `networks`, only a peer inside one of them is a proxy
    (one hop: the proxy that connects to us)."""

    hops: int = 0
    networks: tuple[Network, ...] = ()

    def trusts(self, peer: str | None) -> bool:
        if not self.hops:
            return False
        if not self.networks:
            return True
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def parse_trusted_proxies(raw: str) -> TrustedProxies:
    """"" or "0": none; "2": two hops, whoever connects; "127.0.0.1, 10.0.0.0/8": these peers.
    Raises ValueError with what was wrong."""
    raw = raw.strip()
    if not raw:
        return TrustedProxies()
    if raw.isdigit():
        hops = int(raw)
        if hops > 5:
            raise ValueError(f"must be a count of proxies from 0 to 5, got {hops}")
        return TrustedProxies(hops)
    networks = []
    for part in (p.strip() for p in raw.split(",")):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(
                f"must be a count or addresses (e.g. 127.0.0.1,10.0.0.0/8), got {part!r}"
            ) from None
    return TrustedProxies(1, tuple(networks))


class TrustedProxyFix:
    """Werkzeug's ProxyFix, applied to requests from a trusted proxy only."""

    def __init__(self, app, trusted: TrustedProxies):
        self._app, self._trusted = app, trusted
        hops = trusted.hops
        self._fixed = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops)

    def __call__(self, environ, start_response):
        if self._trusted.trusts(environ.get("REMOTE_ADDR")):
            return self._fixed(environ, start_response)
        return self._app(environ, start_response)
