"""Who the client is, behind the reverse proxy the operator trusts (``SPORTELLO_TRUSTED_PROXIES``).

A number (``1``: one proxy, e.g. the ingress) means that many hops of ``X-Forwarded-For``,
``-Proto`` and ``-Host`` are believed, counted from the right (werkzeug's ProxyFix). A list
of networks (``10.0.0.0/8,192.168.1.7``) means: believe those headers only from a peer in one
of them, and take as the client the rightmost address of ``X-Forwarded-For`` that is not
itself a trusted proxy. Unset, the headers are ignored: anyone could write them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted(value: str) -> int | list[Network]:
    """``"1"`` -> 1; ``"10.0.0.0/8, ::1"`` -> networks; ValueError naming the bad item."""
    value = value.strip()
    if value.isascii() and value.isdigit():
        count = int(value)
        if not 0 <= count <= 5:
            raise ValueError(f"{value!r}: between 0 and 5 proxies")
        return count
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as e:
            raise ValueError(f"{item!r} is neither a proxy count nor an address or network") from e
    return networks


def behind_proxies(app: WSGIApp, value: str) -> WSGIApp:
    """Wrap the WSGI app so that REMOTE_ADDR, the scheme and the host are the client's."""
    trusted = parse_trusted(value)
    if trusted == 0 or trusted == []:
        return app
    if isinstance(trusted, int):
        return ProxyFix(app, x_for=trusted, x_proto=trusted, x_host=trusted)
    return TrustedNetworks(app, trusted)


class TrustedNetworks:
    """Forwarded headers believed only from proxies in the trusted networks."""

    def __init__(self, app: WSGIApp, networks: list[Network]) -> None:
        self.app = app
        self.networks = networks

    def trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        peer = environ.get("REMOTE_ADDR", "")
        if self.trusted(peer):
            client = peer
            hops = [h.strip() for h in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            for hop in reversed([h for h in hops if h]):
                try:
                    ipaddress.ip_address(hop)
                except ValueError:
                    break  # garbage: stop believing at the last good hop
                client = hop
                if not self.trusted(hop):
                    break
            environ["REMOTE_ADDR"] = client
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
            host = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[-1].strip()
            if host and host.isascii() and " " not in host:
                environ["HTTP_HOST"] = host
        return self.app(environ, start_response)
