"""The address of the client, behind the documented reverse proxy as well as without one.

Behind nginx every request comes from the proxy's address (`REMOTE_ADDR`), so anything counted per
address (login throttling, per-IP rate limits, fraud signals) would lump every visitor together. The
proxy appends the address it saw to `X-Forwarded-For`; a client can put anything it likes in front.
So the header is read only when the peer is a configured trusted proxy, and right to left: each hop
that is itself a trusted proxy is skipped, and the first address that is not is the client. Entries
left of it are the client's own words and never read.

Settings (`config/settings/base.py`, docs/deployment.md):
- `QUANZI["TRUSTED_PROXIES"]`: addresses or networks (`127.0.0.1`, `10.0.0.0/8`, `::1`) of the proxies
  in front of Quanzi, and `unix` when the proxy talks to gunicorn over a Unix socket (no peer address);
  empty (the default) trusts no header and uses the peer address;
- `QUANZI["CLIENT_IP_HEADER"]`: the header those proxies set, `X-Forwarded-For` by default
  (`X-Real-IP` works too: a single address).

Every piece of code that needs the client's address calls `client_ip(request)` (Django) or
`client_ip_from_scope(scope)` (raw ASGI, the flash-sale fast path and WebSockets).
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=16)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        entry = entry.strip()
        if entry and entry.lower() != "unix":
            networks.append(ipaddress.ip_network(entry, strict=False))
    return tuple(networks)


def _entries() -> tuple[str, ...]:
    entries = settings.QUANZI.get("TRUSTED_PROXIES") or ()
    if isinstance(entries, str):
        entries = entries.split(",")
    return tuple(e.strip() for e in entries if e and e.strip())


def trusted_networks() -> tuple[Network, ...]:
    return _networks(_entries())


def _trusts_unix_socket() -> bool:
    return any(e.lower() == "unix" for e in _entries())


def parse_address(value: str) -> str | None:
    """A normalised IP address from a header or peer value (`1.2.3.4`, `1.2.3.4:5678`, `[::1]:80`,
    `::ffff:1.2.3.4`), or None if it is not one."""
    value = (value or "").strip().strip('"')
    if not value or len(value) > 64:
        return None
    if value.startswith("["):  # [v6]:port
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def _is_trusted(address: str, networks: Iterable[Network]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip.version == net.version and ip in net for net in networks)


def resolve_client_ip(peer: str, forwarded: str | None, networks: tuple[Network, ...] | None = None) -> str:
    """The client's address, given the peer's and the proxy header's value (several headers joined by
    commas). The header counts only when the peer is trusted; it is read right to left, skipping
    trusted hops; an unreadable entry stops the walk at the last address known to be good."""
    unix = networks is None and _trusts_unix_socket()
    networks = trusted_networks() if networks is None else networks
    client = parse_address(peer)
    if client is None:  # a Unix socket has no peer address: trusted only when configured so
        if not (unix and forwarded and not (peer or "").strip()):
            return (peer or "").strip()[:64]
        client = ""
    elif not networks or not forwarded or not _is_trusted(client, networks):
        return client
    for entry in reversed(forwarded.split(",")):
        hop = parse_address(entry)
        if hop is None:
            return client
        client = hop
        if not _is_trusted(hop, networks):
            return hop
    return client  # every hop was a trusted proxy: the leftmost one


def _header_meta_key() -> str:
    header = settings.QUANZI.get("CLIENT_IP_HEADER") or "X-Forwarded-For"
    return "HTTP_" + header.upper().replace("-", "_")


def client_ip(request) -> str:
    """The client's address for a Django request (see the module docstring)."""
    return resolve_client_ip(request.META.get("REMOTE_ADDR", "") or "", request.META.get(_header_meta_key()))


def client_ip_from_scope(scope) -> str:
    """The client's address for a raw ASGI scope (HTTP or WebSocket)."""
    peer = (scope.get("client") or ("", 0))[0] or ""
    wanted = (settings.QUANZI.get("CLIENT_IP_HEADER") or "X-Forwarded-For").lower().encode("latin-1")
    values = [value.decode("latin-1") for name, value in scope.get("headers") or [] if name.lower() == wanted]
    return resolve_client_ip(peer, ",".join(values) or None)
