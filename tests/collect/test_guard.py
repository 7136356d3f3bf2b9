"""The SSRF guard: address classes, IP-literal spellings, names whose DNS answer
is private (``socket.getaddrinfo`` monkeypatched as the resolver seam), the
connection going to the very address that was checked, and redirect hops."""

from __future__ import annotations

import http.server
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.guard import (
    GuardedBackend,
    check_literal_host,
    classify,
    parse_ip_literal,
    refusal,
)
from yuqing.errors import SourceUnreachable

POLICY = FetchPolicy(min_interval=0.0, retries=0)
ALLOW_HINT = "private address refused (allow-list the source to fetch it)"
METADATA_URL = "http://169.254.169.254/latest/meta-data/"

INTERNAL = [
    "127.0.0.1",
    "127.8.9.10",
    "::1",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "fc00::1",
    "fd12:3456::1",
    "169.254.10.10",
    "fe80::1",
    "100.64.0.1",
    "100.127.255.254",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "64:ff9b::7f00:1",
    "2002:c0a8:101::1",
]
ALWAYS_REFUSED = [
    "169.254.169.254",
    "::ffff:169.254.169.254",
    "fd00:ec2::254",
    "100.100.100.200",
    "169.254.170.2",
    "0.0.0.0",
    "::",
    "224.0.0.1",
    "ff02::1",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.10",
    "2001:db8::1",
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "202.108.22.5", "2001:4860:4860::8888", "100.128.0.1"]


@pytest.mark.parametrize("address", INTERNAL)
def test_internal_addresses_need_the_allow_list(address: str) -> None:
    ip = ipaddress.ip_address(address)
    reason = refusal("feeds.example", ip, allow_private=False)
    assert reason is not None and ALLOW_HINT in reason
    assert "feeds.example" in reason and str(ip) in reason
    assert refusal("feeds.example", ip, allow_private=True) is None


@pytest.mark.parametrize("address", ALWAYS_REFUSED)
def test_metadata_and_unroutable_addresses_are_always_refused(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert refusal("x.example", ip, allow_private=False) is not None
    reason = refusal("x.example", ip, allow_private=True)
    assert reason is not None and "allow-listed or not" in reason


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert classify(ipaddress.ip_address(address)).public
    assert refusal("x.example", ipaddress.ip_address(address), allow_private=False) is None


def test_metadata_address_is_named_as_such() -> None:
    assert classify(ipaddress.ip_address("169.254.169.254")).kind == "a cloud metadata address"
    assert classify(ipaddress.ip_address("::ffff:a9fe:a9fe")).kind == "a cloud metadata address"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:169.254.169.254", "::ffff:a9fe:a9fe"),
        ("example.com", None),
        ("123.example.com", None),
        ("1e100.net", None),
        ("0x7f.1 junk", None),
        ("", None),
    ],
)
def test_ip_literal_spellings(host: str, expected: str | None) -> None:
    parsed = parse_ip_literal(host)
    assert (str(parsed) if parsed is not None else None) == expected


def test_check_literal_host_message() -> None:
    with pytest.raises(SourceUnreachable) as caught:
        check_literal_host("2130706433", allow_private=False)
    assert "2130706433" in caught.value.message
    assert "127.0.0.1" in caught.value.message
    assert ALLOW_HINT in caught.value.message
    check_literal_host("2130706433", allow_private=True)
    check_literal_host("news.example.com", allow_private=False)  # names are the backend's job


# --- through the fetcher ---------------------------------------------------------


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(POLICY, sleep=lambda _s: None) as f:
        yield f


@pytest.fixture
def server(httpserver: HTTPServer) -> HTTPServer:
    httpserver.no_handler_status_code = 404  # no robots.txt
    return httpserver


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/",
        "http://[::1]:{port}/",
        "http://2130706433:{port}/",
        "http://0x7f.1:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://localhost:{port}/",
    ],
)
def test_local_urls_are_refused_without_allow_list(
    server: HTTPServer, fetcher: Fetcher, target: str
) -> None:
    server.expect_request("/").respond_with_data("secret")
    with pytest.raises(SourceUnreachable, match="private address refused") as caught:
        fetcher.fetch(target.format(port=server.port))
    assert f":{server.port}/" in caught.value.message
    assert len(server.log) == 0  # refused before any byte was sent


def test_metadata_url_is_refused_even_when_allow_listed(fetcher: Fetcher) -> None:
    with pytest.raises(SourceUnreachable, match="cloud metadata address") as caught:
        fetcher.fetch(METADATA_URL, allow_private=True)
    assert METADATA_URL in caught.value.message


Resolve = Callable[..., list[tuple[Any, ...]]]


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names → addresses; other hosts (the numeric IPs we connect to) resolve normally."""
    zone: dict[str, list[str]] = {}
    real: Resolve = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if host not in zone:
            return real(host, port, *args, **kwargs)
        answers = zone[host]
        results: list[tuple[Any, ...]] = []
        for address in answers:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
            results.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
        return results

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return zone


def test_public_name_with_private_answer_is_refused(
    fake_dns: dict[str, list[str]], fetcher: Fetcher
) -> None:
    fake_dns["news.example.com"] = ["10.0.0.5"]
    with pytest.raises(SourceUnreachable) as caught:
        fetcher.fetch("http://news.example.com/latest")
    message = caught.value.message
    assert "news.example.com" in message and "10.0.0.5" in message and ALLOW_HINT in message


def test_mixed_public_and_private_answer_is_refused(
    fake_dns: dict[str, list[str]], fetcher: Fetcher
) -> None:
    fake_dns["rebind.example.com"] = ["93.184.216.34", "127.0.0.1"]
    with pytest.raises(SourceUnreachable, match=r"127\.0\.0\.1"):
        fetcher.fetch("http://rebind.example.com/")


def test_allow_listed_name_connects_to_the_checked_address(
    fake_dns: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    server: HTTPServer,
    fetcher: Fetcher,
) -> None:
    fake_dns["feeds.intranet.test"] = ["127.0.0.1"]
    lookups: list[str] = []
    answer_once = socket.getaddrinfo

    def counting(host: str, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        lookups.append(host)
        return answer_once(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counting)
    server.expect_request("/feed").respond_with_data("<rss/>")
    result = fetcher.fetch(f"http://feeds.intranet.test:{server.port}/feed", allow_private=True)
    assert result.text == "<rss/>"
    assert server.log[-1][0].headers["Host"] == f"feeds.intranet.test:{server.port}"
    # One lookup of the name per connection (robots.txt, page); the socket then
    # goes to the numeric address that was checked, never re-resolving the name.
    assert lookups.count("feeds.intranet.test") == 2
    assert set(lookups) <= {"feeds.intranet.test", "127.0.0.1"}


def test_backend_refuses_before_connecting(fake_dns: dict[str, list[str]]) -> None:
    fake_dns["metadata.internal.test"] = ["169.254.169.254"]
    backend = GuardedBackend(allow_private=True)
    with pytest.raises(SourceUnreachable, match="cloud metadata address"):
        backend.connect_tcp("metadata.internal.test", 80, timeout=0.1)
    with pytest.raises(SourceUnreachable, match="private address refused"):
        GuardedBackend(allow_private=False).connect_tcp("localhost", 80, timeout=0.1)


# --- redirect hops ---------------------------------------------------------------


class _OtherSide(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"other side"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


@pytest.fixture
def other_server() -> Iterator[str]:
    """A second local server on another port, as an intranet redirect target."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OtherSide)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()
    thread.join()


def test_allow_listed_source_may_redirect_within_the_intranet(
    server: HTTPServer, other_server: str, fetcher: Fetcher
) -> None:
    server.expect_request("/moved").respond_with_data("", 302, {"Location": f"{other_server}/x"})
    result = fetcher.fetch(f"http://127.0.0.1:{server.port}/moved", allow_private=True)
    assert result.text == "other side"
    assert result.url == f"{other_server}/x"


def test_allow_listed_source_may_not_redirect_to_metadata(
    server: HTTPServer, fetcher: Fetcher
) -> None:
    server.expect_request("/steal").respond_with_data("", 302, {"Location": METADATA_URL})
    with pytest.raises(SourceUnreachable, match="cloud metadata address"):
        fetcher.fetch(f"http://127.0.0.1:{server.port}/steal", allow_private=True)


def test_redirect_to_a_name_resolving_to_metadata_is_refused(
    fake_dns: dict[str, list[str]], server: HTTPServer, fetcher: Fetcher
) -> None:
    fake_dns["metadata.internal.test"] = ["169.254.169.254"]
    target = "http://metadata.internal.test/latest/meta-data/"
    server.expect_request("/steal").respond_with_data("", 302, {"Location": target})
    with pytest.raises(SourceUnreachable, match="cloud metadata address"):
        fetcher.fetch(f"http://127.0.0.1:{server.port}/steal", allow_private=True)


def mock_site(other_server: str) -> httpx.MockTransport:
    """A public site (mocked) whose pages redirect inwards."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.host == "news.example.com":
            target = METADATA_URL if request.url.path == "/meta" else f"{other_server}/x"
            return httpx.Response(302, headers={"Location": target})
        return httpx.Response(200, text="inside")

    return httpx.MockTransport(answer)


def test_public_source_may_not_redirect_inwards(other_server: str) -> None:
    # With an injected transport only IP-literal hosts are guarded; that is
    # enough here because the redirect names an address.
    with Fetcher(POLICY, transport=mock_site(other_server)) as fetcher:
        with pytest.raises(SourceUnreachable, match="private address refused") as caught:
            fetcher.fetch("http://news.example.com/story")
        assert other_server in caught.value.message
        assert fetcher.fetch("http://news.example.com/story", allow_private=True).text == "inside"
        with pytest.raises(SourceUnreachable, match="cloud metadata address"):
            fetcher.fetch("http://news.example.com/meta", allow_private=True)
