"""The SSRF guard: the fetcher only talks to public addresses unless a source is
allow-listed, and never to cloud metadata endpoints.

The check happens where the socket is opened. ``GuardedBackend`` is an httpcore
network backend whose ``connect_tcp`` resolves the host itself, validates every
address in the answer and then connects to one of those validated IPs, so there
is no gap between "checked" and "connected" for DNS rebinding to slip through.
``guarded_transport`` plugs it into an ``httpx.HTTPTransport``; since the check
runs per connection, every redirect hop is covered as well.

``check_literal_host`` refuses URLs whose host is itself an address (including
the legacy decimal, octal and hex forms that ``inet_aton`` accepts) before any
request is made. It is the only check that applies when a test injects its own
transport: name resolution checks live in the default transport.

Two levels of refusal:

* internal addresses (loopback, RFC 1918, fc00::/7, link-local, carrier-grade
  NAT) are refused unless the fetch is allow-listed (``allow_private=True``);
* cloud metadata addresses and names, and the rest of the IANA special-purpose
  registries (unspecified, multicast, documentation, benchmarking, protocol
  assignments, IPv4-compatible IPv6, reserved) are refused always, allow-list or
  not — no intranet source lives there, and the metadata service hands out
  credentials. The lists are explicit: ``ipaddress.is_global`` is never asked.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from yuqing.errors import BadInput, SourceUnreachable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud instance metadata services and their agents: AWS/GCP/Azure/OpenStack/
# Huawei/Baidu (169.254.169.254), AWS ECS and EKS credential agents, AWS's IPv6
# endpoint, AWS DNS and time, Alibaba Cloud, Tencent Cloud, Oracle Cloud, Azure's
# WireServer (a public-looking address). Several sit inside link-local or CGNAT
# ranges that an allow-listed fetch may reach, hence their own class, never lifted.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",
        "169.254.169.253",
        "169.254.169.123",
        "169.254.170.2",
        "169.254.170.23",
        "169.254.0.23",
        "fd00:ec2::254",
        "fd00:ec2::253",
        "fd00:ec2::123",
        "fd00:ec2::23",
        "100.100.100.200",
        "192.0.0.192",
        "168.63.129.16",
    )
)
METADATA_NAMES = frozenset(
    {"metadata", "metadata.google.internal", "metadata.tencentyun.com", "instance-data"}
)

_Nets = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def _nets(*cidrs: str) -> _Nets:
    return tuple(ipaddress.ip_network(c) for c in cidrs)


# The IANA special-purpose address registries (IPv4 and IPv6), spelt out rather
# than left to ``ipaddress.is_global``, whose answer changes between Python
# versions (3.11 calls 192.0.0.192, a metadata address, global).
# Lifted for allow-listed sources (intranet servers, the demo's local feed server).
_INTERNAL: tuple[tuple[str, _Nets], ...] = (
    ("a loopback address", _nets("127.0.0.0/8", "::1/128")),
    (
        "a private address",
        _nets("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10"),
    ),
    ("a link-local address", _nets("169.254.0.0/16", "fe80::/10")),
    ("a carrier-grade NAT address", _nets("100.64.0.0/10")),
)
# Never lifted: nothing worth collecting lives there, whatever the allow-list says.
_NOWHERE: tuple[tuple[str, _Nets], ...] = (
    ("an unspecified address", _nets("0.0.0.0/8", "::/128")),
    ("a multicast address", _nets("224.0.0.0/4", "ff00::/8")),
    ("a broadcast address", _nets("255.255.255.255/32")),
    (
        "a special-purpose address",
        _nets(
            "192.0.0.0/24",  # IETF protocol assignments (192.0.0.192 is Oracle's metadata)
            "192.31.196.0/24",  # AS112
            "192.52.193.0/24",  # AMT
            "192.88.99.0/24",  # 6to4 relay anycast
            "192.175.48.0/24",  # AS112 direct delegation
            "198.18.0.0/15",  # benchmarking
            "240.0.0.0/4",  # reserved
            "::/96",  # IPv4-compatible IPv6 (deprecated: ::7f00:1 is no address to fetch)
            "64:ff9b:1::/48",  # local-use NAT64
            "100::/64",  # discard-only
            "2001::/23",  # IETF protocol assignments, Teredo included
            "5f00::/16",  # SRv6 SIDs
        ),
    ),
    (
        "a documentation address",
        _nets("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20"),
    ),
)
# IPv6 outside global unicast (2000::/3) is unassigned or special: refused.
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class Verdict:
    """Why an address may or may not be fetched."""

    kind: str  # e.g. "a loopback address", "a public address"
    public: bool
    liftable: bool  # refused only until the source is allow-listed


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, NAT64, 6to4), if any —
    ``::ffff:127.0.0.1`` reaches 127.0.0.1 and must be judged as such."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def classify(ip: IPAddress) -> Verdict:
    """Classify one address; IPv6 forms of IPv4 addresses are judged by the IPv4."""
    inner = embedded_ipv4(ip)
    if inner is not None:
        return classify(inner)
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        ip = ipaddress.IPv6Address(ip.compressed.split("%", 1)[0])
    if ip in METADATA_ADDRESSES:
        return Verdict("a cloud metadata address", public=False, liftable=False)
    # _INTERNAL first: ::1 lies inside ::/96, the IPv4-compatible block.
    for kind, nets in _INTERNAL:
        if any(ip in net for net in nets):
            return Verdict(kind, public=False, liftable=True)
    for kind, nets in _NOWHERE:
        if any(ip in net for net in nets):
            return Verdict(kind, public=False, liftable=False)
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _GLOBAL_UNICAST:
        return Verdict("a reserved address", public=False, liftable=False)
    return Verdict("a public address", public=True, liftable=True)


def refusal(host: str, ip: IPAddress, allow_private: bool) -> str | None:
    """The reason ``ip`` (an address of ``host``) may not be fetched, or None."""
    verdict = classify(ip)
    if verdict.public or (allow_private and verdict.liftable):
        return None
    if verdict.liftable:
        why = "private address refused (allow-list the source to fetch it)"
    else:
        why = "refused for every source, allow-listed or not"
    where = str(ip) if host.strip("[]") == str(ip) else f"{host} resolves to {ip}"
    return f"{where}, {verdict.kind}: {why}"


def check_address(host: str, ip: IPAddress, allow_private: bool) -> None:
    """Raise ``SourceUnreachable`` when ``ip`` may not be fetched."""
    reason = refusal(host, ip, allow_private)
    if reason is not None:
        raise SourceUnreachable(reason)


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` spells, if it is one.

    Besides the standard forms this accepts what the C resolver accepts too —
    ``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``127.1`` — since
    ``getaddrinfo`` would happily connect to 127.0.0.1 for each of them.
    """
    bare = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    # inet_aton also stops at whitespace and ignores what follows, so only hand it
    # strings made of the characters its number syntax uses.
    if not bare or not bare[0].isdigit() or set(bare.lower()) - set("0123456789abcdefx."):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except OSError:
        return None


def check_literal_host(host: str, allow_private: bool) -> None:
    """Refuse a URL host that is an address the guard would not connect to, or the
    name of a cloud metadata service."""
    if host.strip("[]").rstrip(".").lower() in METADATA_NAMES:
        raise SourceUnreachable(f"{host}, a cloud metadata service: refused for every source")
    ip = parse_ip_literal(host)
    if ip is not None:
        check_address(host, ip, allow_private)


def check_url(url: httpx.URL, allow_private: bool) -> None:
    """``check_literal_host`` with the URL named in the refusal."""
    try:
        check_literal_host(url.host, allow_private)
    except SourceUnreachable as exc:
        raise SourceUnreachable(f"{url}: {exc.message}") from exc


def parse_url(url: str) -> httpx.URL:
    """A URL the fetcher may be asked for: http or https, with a host."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise BadInput(f"{url!r} is not a valid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise BadInput(f"{url!r}: only http and https URLs with a host can be fetched")
    return parsed.copy_with(fragment=None)


def redirect_target(url: httpx.URL, status: int, headers: httpx.Headers) -> httpx.URL:
    """Where a redirect from ``url`` leads; only http(s) targets are followed."""
    location = headers.get("location")
    if not location:
        raise SourceUnreachable(f"{url}: HTTP {status} redirect without a Location")
    try:
        target = url.join(location).copy_with(fragment=None)
    except httpx.InvalidURL as exc:
        raise SourceUnreachable(f"{url}: redirect to an invalid URL: {exc}") from exc
    if target.scheme not in ("http", "https") or not target.host:
        raise SourceUnreachable(f"{url}: redirect to {location!r} is not http(s)")
    return target


Resolver = Callable[[str, int], list[tuple[int, tuple[Any, ...]]]]


def resolve(host: str, port: int) -> list[tuple[int, tuple[Any, ...]]]:
    """(family, sockaddr) for each TCP address of ``host``.

    ``socket.getaddrinfo`` is looked up at call time so tests can monkeypatch it
    as the resolver seam.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    seen: list[tuple[int, tuple[Any, ...]]] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6) and (family, sockaddr) not in seen:
            seen.append((family, tuple(sockaddr)))
    return seen


def _sockaddr_ip(family: int, sockaddr: tuple[Any, ...]) -> IPAddress:
    text = str(sockaddr[0])
    if family == socket.AF_INET6 and len(sockaddr) >= 4 and sockaddr[3]:
        text = f"{text.split('%', 1)[0]}%{sockaddr[3]}"
    return ipaddress.ip_address(text)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore backend that connects only to addresses the guard accepts."""

    def __init__(self, *, allow_private: bool, resolver: Resolver | None = None) -> None:
        self.allow_private = allow_private
        self._resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        resolver = self._resolver or resolve
        answers = resolver(host, port)
        if not answers:
            raise httpcore.ConnectError(f"cannot resolve {host}: no addresses")
        # Every address must pass, not just the first: a name answering with a
        # public and a private address is the DNS-rebinding pattern.
        validated = [_sockaddr_ip(family, sockaddr) for family, sockaddr in answers]
        for ip in validated:
            check_address(host, ip, self.allow_private)
        last: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for ip in validated:
            try:
                # The validated IP, never the name: nothing is resolved again.
                return super().connect_tcp(
                    str(ip), port, timeout, local_address, socket_options or ()
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise SourceUnreachable(f"unix socket {path}: refused by the fetch guard")


class GuardedTransport(httpx.HTTPTransport):
    """An ``httpx.HTTPTransport`` whose connection pool uses ``GuardedBackend``.

    httpx 0.28 offers no public hook for the network backend, so the pool built
    by ``HTTPTransport.__init__`` is replaced by an equivalent one that carries
    the guard; request adaptation and exception mapping stay httpx's own. No
    proxy is supported: a proxy would resolve names where the guard cannot see.
    """

    def __init__(self, *, allow_private: bool, resolver: Resolver | None = None) -> None:
        ssl_context = httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=ssl_context, trust_env=False)
        if not isinstance(self._pool, httpcore.ConnectionPool):  # pragma: no cover
            raise RuntimeError("httpx.HTTPTransport no longer wraps a ConnectionPool")
        self.backend = GuardedBackend(allow_private=allow_private, resolver=resolver)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=self.backend,
        )


def guarded_transport(*, allow_private: bool, resolver: Resolver | None = None) -> GuardedTransport:
    """The transport the fetcher uses when none is injected."""
    return GuardedTransport(allow_private=allow_private, resolver=resolver)
