"""Where a crawl may connect: never to a loopback, private, link-local, multicast or reserved address, except the
exact hosts an operator configured as a source's start URLs on such an address (a local test site, an intranet).

The check runs twice: before a URL is requested (its host's addresses, so that a refused URL is logged with its
reason and never requested), and when the connection is made, on the very address connected to, so that a host
that resolves differently the second time (DNS rebinding) cannot slip past. The connection check is installed in
the `requests` session by `GuardedAdapter`.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

REFUSED = "refused address"  # marks the connection error raised for a refused address

_allowed = threading.local()  # the exact hosts (host:port) exempt for the request this thread is making


def forbidden_kind(address: str) -> str | None:
    """What makes an IP address one a crawl must not connect to ("loopback", "private", ...), or None."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-public"


def host_key(url: str) -> str:
    """The exact host of a URL as the exemption names it: host and port ("127.0.0.1:8080")."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name resolves to (a literal address resolves to itself)."""
    return list(dict.fromkeys(str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


def refusal(url: str, exempt: Iterable[str]) -> str | None:
    """Why a URL's host may not be connected to, or None. `exempt`: the exact hosts allowed anyway."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host_key(url) in set(exempt):
        return None
    try:
        addresses = resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        return f"host {host} does not resolve ({exc})"
    for address in addresses:
        kind = forbidden_kind(address)
        if kind:
            return f"host {host} resolves to a {kind} address ({address})"
    return None


class exempting:
    """Within the block, this thread's requests may connect to these exact hosts whatever their address."""

    def __init__(self, hosts: Iterable[str]) -> None:
        self.hosts = frozenset(hosts)

    def __enter__(self) -> None:
        self.saved: frozenset[str] = getattr(_allowed, "hosts", frozenset())
        _allowed.hosts = self.hosts

    def __exit__(self, *exc: object) -> None:
        _allowed.hosts = self.saved


def _guarded_socket(host: str, port: int, timeout: float | None, source: tuple[str, int] | None) -> socket.socket:
    """Connect to the first address of the host that is allowed; the address checked is the one connected to."""
    exempt = f"{host.lower()}:{port}" in getattr(_allowed, "hosts", frozenset())
    last: OSError | None = None
    refused: list[str] = []
    for family, kind, proto, _, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        reason = None if exempt else forbidden_kind(str(sockaddr[0]))
        if reason:
            refused.append(f"{sockaddr[0]} ({reason})")
            continue
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            if source:
                sock.bind(source)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            last = exc
            sock.close()
    if refused and last is None:
        raise OSError(f"{REFUSED}: {host} resolved to {', '.join(refused)}")
    raise last or OSError(f"no address for {host}")


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        timeout = self.timeout if isinstance(self.timeout, int | float) else None
        try:
            sock = _guarded_socket(self._dns_host, self.port, timeout, self.source_address)
        except OSError as exc:
            from urllib3.exceptions import NewConnectionError

            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc
        for option in self.socket_options or ():
            sock.setsockopt(*option)
        return sock


class _GuardedHTTPSConnection(HTTPSConnection):
    _new_conn = _GuardedHTTPConnection._new_conn


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections check the address they connect to (see the module docstring)."""

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        """Set up the pool manager with the guarded connection pools."""
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}
