"""The SSRF guard by explicit lists (issue 15, finding 4): 192.0.0.192 and the
other metadata addresses in every spelling — dotted, decimal, hex, octal, short,
IPv4-mapped, IPv4-compatible, NAT64, 6to4 — refused even for allow-listed
sources, and the IANA special-purpose blocks refused whatever
``ipaddress.is_global`` says on this Python."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from typing import Any

import httpcore
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.guard import (
    METADATA_ADDRESSES,
    GuardedBackend,
    check_literal_host,
    classify,
    parse_ip_literal,
)
from yuqing.errors import BadInput, SourceUnreachable

ORACLE = ipaddress.IPv4Address("192.0.0.192")
SPELLINGS = [
    "192.0.0.192",
    "192.0.0.192.",
    "3221225664",  # decimal
    "0xc00000c0",  # hex
    "0xC0.0x0.0x0.0xC0",  # hex per part
    "0300.0.0.0300",  # octal
    "0300.0000.0000.0300",
    "192.0.192",  # a.b.c: the last part fills 16 bits
    "192.192",  # a.b: the last part fills 24 bits
    "[::ffff:192.0.0.192]",  # IPv4-mapped
    "[::ffff:c000:c0]",
    "[0:0:0:0:0:ffff:c000:00c0]",
    "[::192.0.0.192]",  # IPv4-compatible (deprecated)
    "[::c000:c0]",
    "[64:ff9b::c000:c0]",  # NAT64
    "[2002:c000:c0::1]",  # 6to4
]


@pytest.mark.parametrize("host", SPELLINGS)
@pytest.mark.parametrize("allow_private", [False, True])
def test_every_spelling_of_the_oracle_metadata_address_is_refused(
    host: str, allow_private: bool
) -> None:
    with pytest.raises(SourceUnreachable, match="refused for every source"):
        check_literal_host(host, allow_private=allow_private)


def test_spellings_decode_to_the_address() -> None:
    plain = [h for h in SPELLINGS if not h.startswith("[")]
    assert {parse_ip_literal(h) for h in plain} == {ORACLE}


@pytest.mark.parametrize("address", sorted(str(a) for a in METADATA_ADDRESSES))
def test_metadata_addresses_refused_even_when_allow_listed(address: str) -> None:
    verdict = classify(ipaddress.ip_address(address))
    assert verdict.kind == "a cloud metadata address" and not verdict.liftable
    mapped = f"::ffff:{address}" if "." in address else None
    if mapped:
        assert classify(ipaddress.ip_address(mapped)).kind == "a cloud metadata address"


@pytest.mark.parametrize(
    "name", ["metadata.google.internal", "METADATA.google.internal.", "metadata.tencentyun.com"]
)
def test_metadata_names_are_refused(name: str) -> None:
    with pytest.raises(SourceUnreachable, match="metadata"):
        check_literal_host(name, allow_private=True)


SPECIAL = [
    "192.0.0.9",  # is_global says True on 3.11
    "192.0.0.170",
    "192.31.196.1",  # AS112, is_global True
    "192.52.193.1",
    "192.88.99.1",
    "192.175.48.1",
    "198.18.0.1",
    "198.51.100.7",
    "203.0.113.9",
    "255.255.255.255",
    "::c000:c0",  # is_global True on 3.11
    "3fff::1",  # documentation since 2024, is_global True on 3.11
    "5f00::1",  # SRv6, is_global True on 3.11
    "2001::1",  # Teredo
    "100::1",
    "64:ff9b:1::1",
    "4000::1",  # outside global unicast
]


@pytest.mark.parametrize("address", SPECIAL)
def test_special_purpose_blocks_are_never_fetched(address: str) -> None:
    verdict = classify(ipaddress.ip_address(address))
    assert not verdict.public and not verdict.liftable


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "202.108.22.5", "100.128.0.1", "2400:3200::1", "2001:4860::8888"]
)
def test_public_addresses_pass(address: str) -> None:
    assert classify(ipaddress.ip_address(address)).public


def test_a_name_resolving_to_the_metadata_address_gets_no_connection() -> None:
    """The resolver answers 192.0.0.192: the backend refuses before any socket opens."""
    opened: list[str] = []

    def resolver(host: str, port: int) -> list[tuple[int, tuple[Any, ...]]]:
        opened.append(host)
        return [(socket.AF_INET, ("192.0.0.192", port))]

    backend = GuardedBackend(allow_private=True, resolver=resolver)
    with pytest.raises(SourceUnreachable, match=r"192\.0\.0\.192, a cloud metadata address"):
        backend.connect_tcp("feeds.example", 80)
    assert opened == ["feeds.example"]


@pytest.mark.parametrize(
    "url",
    [
        "http://192.0.0.192/opc/v2/instance/",
        "http://3221225664/opc/v2/instance/",
        "http://0xc00000c0/",
        "http://[::ffff:c000:c0]/",
        "http://0300.0.0.0300/",
    ],
)
def test_the_fetcher_refuses_before_connecting(url: str) -> None:
    with (
        Fetcher(FetchPolicy(min_interval=0.0, retries=0)) as fetcher,
        pytest.raises((SourceUnreachable, BadInput)),
    ):
        fetcher.fetch(url, allow_private=True)


_SPECIAL_V4 = [
    ipaddress.ip_network(n)
    for n in ("192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4", "192.0.2.0/24", "0.0.0.0/8")
]


@given(
    net=st.sampled_from(_SPECIAL_V4),
    offset=st.integers(min_value=0, max_value=2**32),
    form=st.sampled_from(["dotted", "decimal", "hex", "octal", "mapped", "compatible"]),
    allow=st.booleans(),
)
def test_any_spelling_of_a_special_address_is_refused(
    net: ipaddress.IPv4Network, offset: int, form: str, allow: bool
) -> None:
    ip = net[offset % net.num_addresses]
    value = int(ip)
    host = {
        "dotted": str(ip),
        "decimal": str(value),
        "hex": hex(value),
        "octal": ".".join(f"0{int(part):o}" for part in str(ip).split(".")),
        "mapped": f"[::ffff:{ip}]",
        "compatible": f"[::{ip}]",
    }[form]
    with pytest.raises(SourceUnreachable):
        check_literal_host(host, allow_private=allow)


@given(st.text(max_size=40))
def test_host_parsing_never_raises_on_junk(host: str) -> None:
    with contextlib.suppress(SourceUnreachable):  # a refusal is an answer; nothing else
        check_literal_host(host, allow_private=False)


def test_connect_error_type_is_kept_for_unresolvable_names() -> None:
    backend = GuardedBackend(allow_private=False, resolver=lambda _h, _p: [])
    with pytest.raises(httpcore.ConnectError):
        backend.connect_tcp("nowhere.example", 80)
