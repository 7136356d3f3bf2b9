"""The polite, guarded fetcher every connector uses.

One ``Fetcher.fetch`` call: check the URL's host against the SSRF guard, check
robots.txt, wait out the per-host interval, send a conditional GET, retry
transient failures with backoff, follow redirects by hand (each hop guarded,
robots-checked and rate-limited again), stream the body under a size cap and
decode it. Every failure is a ``SourceUnreachable`` naming the URL and the reason.

Not thread-safe: give each worker thread its own ``Fetcher``. By default each
keeps its own politeness clock and robots.txt cache; pass a shared ``throttle``
and ``robots_store`` (``yuqing.collect.shared``) so that all threads and machines
keep one interval per host between them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Protocol

import httpx

from yuqing.collect import robots
from yuqing.collect.encoding import decode
from yuqing.collect.guard import check_url, guarded_transport, parse_url, redirect_target
from yuqing.errors import SourceUnreachable

__all__ = ["FetchPolicy", "FetchResult", "Fetcher"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_AFTER_CAP = 60.0  # seconds; a server asking for longer waits for the next poll
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str = "yuqing/0.1 (+public-opinion desk; respects robots.txt)"
    min_interval: float = 5.0  # seconds between requests to one host (per Fetcher instance)
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 10 * 2**20  # a larger body is refused (streamed and aborted, never read)
    max_redirects: int = 5
    retries: int = 2  # on connect errors, timeouts, 429 and 5xx; exponential backoff
    backoff: float = 1.0  # first wait; doubled each retry; Retry-After honoured up to a cap
    respect_robots: bool = True


@dataclass(frozen=True)
class FetchResult:
    url: str  # final URL after redirects
    status: int  # 2xx, or 304 when not modified
    not_modified: bool
    content: bytes
    text: str  # decoded; "" when not_modified
    encoding: str | None  # the codec used, e.g. "utf-8", "gb18030", "big5"
    content_type: str | None
    etag: str | None
    last_modified: str | None
    redirects: list[str]  # every URL that answered with a redirect, in order


@dataclass(frozen=True)
class _Reply:
    """One HTTP exchange, body read only when it is needed (2xx)."""

    url: httpx.URL
    status: int
    headers: httpx.Headers
    content: bytes


class _TransportFailure(SourceUnreachable):
    """No usable HTTP answer: the network failed on every try, or the server
    broke the protocol. robots.txt handling tells it apart from a guard refusal
    (a plain ``SourceUnreachable``): the first means "robots.txt unreachable",
    the second must stop the fetch."""


class Throttle(Protocol):
    def wait(self, host: str) -> None: ...


class HostThrottle:
    """At least ``min_interval`` seconds between the starts of requests to a host."""

    def __init__(
        self, min_interval: float, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}

    def wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            delay = last + self.min_interval - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._last[host] = self._clock()


class Fetcher:
    """Fetches public pages politely; see the module docstring.

    With an injected ``transport`` (tests, httpx.MockTransport) only IP-literal
    hosts are guarded: checking resolved addresses is the default transport's
    job (``yuqing.collect.guard.GuardedTransport``).
    """

    def __init__(
        self,
        policy: FetchPolicy = FetchPolicy(),  # frozen, so one shared default is safe
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        throttle: Throttle | None = None,
        robots_store: robots.RobotsStore | None = None,
    ) -> None:
        self.policy = policy
        self._transport = transport
        self._sleep = sleep
        self._throttle: Throttle = throttle or HostThrottle(policy.min_interval, clock, sleep)
        self._robots: robots.RobotsStore = robots_store or robots.RobotsCache(clock)
        # One client per allow-list mode: pooled keep-alive connections opened for
        # an allow-listed fetch must never serve a fetch that is not.
        self._clients: dict[bool, httpx.Client] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the clients (and with them an injected transport)."""
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        allow_private: bool = False,
    ) -> FetchResult:
        """GET ``url``; ``etag``/``last_modified`` from an earlier result make it
        conditional. ``allow_private`` lets an allow-listed source, and whatever
        it redirects to, live on internal addresses; metadata addresses stay
        refused."""
        current = parse_url(url)
        client = self._client(allow_private)
        headers = _conditional_headers(etag, last_modified)
        redirects: list[str] = []
        for _ in range(self.policy.max_redirects + 1):
            self._admit(client, current, allow_private)
            reply = self._get(client, current, headers, self.policy.max_bytes)
            if reply.status not in REDIRECT_STATUSES:
                return self._result(reply, redirects, etag, last_modified)
            redirects.append(str(current))
            current = redirect_target(reply.url, reply.status, reply.headers)
        raise SourceUnreachable(f"{url}: more than {self.policy.max_redirects} redirects")

    # --- steps -----------------------------------------------------------------

    def _client(self, allow_private: bool) -> httpx.Client:
        key = allow_private if self._transport is None else True  # injected: one client
        client = self._clients.get(key)
        if client is None:
            policy = self.policy
            transport = self._transport or guarded_transport(allow_private=allow_private)
            client = httpx.Client(
                transport=transport,
                follow_redirects=False,
                timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
                headers={"User-Agent": policy.user_agent, "Accept": ACCEPT},
                trust_env=False,  # no proxies from the environment: they would bypass the guard
            )
            self._clients[key] = client
        return client

    def _admit(self, client: httpx.Client, url: httpx.URL, allow_private: bool) -> None:
        """The checks before any request to ``url``: guard, then robots.txt."""
        check_url(url, allow_private)
        if not self.policy.respect_robots:
            return
        rules = self._robots_rules(client, url, allow_private)
        refusal = rules.refusal(str(url), self.policy.user_agent)
        if refusal is not None:
            raise SourceUnreachable(f"{url}: {refusal}")

    def _robots_rules(
        self, client: httpx.Client, url: httpx.URL, allow_private: bool
    ) -> robots.RobotsRules:
        key = robots.cache_key(url)
        rules = self._robots.get(key)
        if rules is None:
            rules = self._fetch_robots(client, robots.robots_url(url), allow_private)
            self._robots.put(key, rules)
        return rules

    def _fetch_robots(
        self, client: httpx.Client, url: httpx.URL, allow_private: bool
    ) -> robots.RobotsRules:
        for _ in range(robots.MAX_ROBOTS_REDIRECTS + 1):
            check_url(url, allow_private)
            try:
                reply = self._get(client, url, {}, robots.MAX_ROBOTS_BYTES, truncate=True)
            except _TransportFailure as exc:
                return robots.unreachable(exc.message)
            if reply.status not in REDIRECT_STATUSES:
                return robots.rules_for_status(reply.status, reply.content)
            try:
                url = redirect_target(reply.url, reply.status, reply.headers)
            except SourceUnreachable:
                return robots.allow_all("robots.txt redirects nowhere usable")
        return robots.allow_all("robots.txt redirects too often")

    def _get(
        self,
        client: httpx.Client,
        url: httpx.URL,
        headers: dict[str, str],
        limit: int,
        *,
        truncate: bool = False,
    ) -> _Reply:
        """One GET with retries; returns the last reply, even a retryable status
        (robots.txt rules depend on it), and raises on transport failure."""
        attempts = self.policy.retries + 1
        for attempt in range(attempts):
            self._throttle.wait(url.host)
            last_try = attempt == attempts - 1
            try:
                reply = self._exchange(client, url, headers, limit, truncate)
            except (httpx.TimeoutException, httpx.NetworkError) as exc:
                if last_try:
                    raise _TransportFailure(
                        f"{url}: {_describe(exc)} after {attempts} attempt(s)"
                    ) from exc
                self._sleep(self._backoff(attempt, None))
                continue
            if reply.status not in RETRY_STATUSES or last_try:
                return reply
            self._sleep(self._backoff(attempt, reply.headers.get("retry-after")))
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    def _exchange(
        self,
        client: httpx.Client,
        url: httpx.URL,
        headers: dict[str, str],
        limit: int,
        truncate: bool,
    ) -> _Reply:
        request = client.build_request("GET", url, headers=headers)
        try:
            response = client.send(request, stream=True)
        except SourceUnreachable as exc:  # the guard refused the resolved address
            raise SourceUnreachable(f"{url}: {exc.message}") from exc
        except (httpx.TimeoutException, httpx.NetworkError):
            raise  # retryable: the caller decides
        except httpx.HTTPError as exc:
            # Malformed responses are not retried: a server that breaks HTTP
            # framing once usually does so again, and the next poll will retry.
            raise _TransportFailure(f"{url}: {_describe(exc)}") from exc
        try:
            content = b""
            if 200 <= response.status_code < 300:
                content = _read_limited(response, url, limit, truncate)
            return _Reply(url, response.status_code, response.headers, content)
        finally:
            response.close()  # unread bodies are dropped with the connection

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        wait = self.policy.backoff * 2.0**attempt
        asked = _parse_retry_after(retry_after)
        if asked is not None:
            wait = max(wait, min(asked, RETRY_AFTER_CAP))
        return wait

    def _result(
        self, reply: _Reply, redirects: list[str], etag: str | None, last_modified: str | None
    ) -> FetchResult:
        status, headers = reply.status, reply.headers
        if status != 304 and not 200 <= status < 300:
            tries = self.policy.retries + 1
            more = f" after {tries} attempt(s)" if status in RETRY_STATUSES else ""
            raise SourceUnreachable(f"{reply.url}: HTTP {status}{more}")
        content_type = headers.get("content-type")
        text, encoding = "", None
        if status == 304:  # the validators sent stay valid unless the server renews them
            etag, last_modified = (
                headers.get("etag", etag),
                headers.get("last-modified", last_modified),
            )
        else:
            text, encoding = decode(reply.content, content_type)
            etag, last_modified = headers.get("etag"), headers.get("last-modified")
        return FetchResult(
            url=str(reply.url),
            status=status,
            not_modified=status == 304,
            content=reply.content,
            text=text,
            encoding=encoding,
            content_type=content_type,
            etag=etag,
            last_modified=last_modified,
            redirects=redirects,
        )


# --- helpers -------------------------------------------------------------------


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _read_limited(response: httpx.Response, url: httpx.URL, limit: int, truncate: bool) -> bytes:
    """The decoded body, refused (or with ``truncate``, cut) past ``limit`` bytes.

    The count is of decompressed bytes, so a small gzip bomb is caught as well.
    """
    declared = response.headers.get("content-length", "")
    if not truncate and declared.isdigit() and int(declared) > limit:
        raise SourceUnreachable(
            f"{url}: the body ({_size(int(declared))}) exceeds the {_size(limit)} limit"
        )
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                if truncate:
                    chunks.append(chunk[: limit - (size - len(chunk))])
                    break
                raise SourceUnreachable(f"{url}: the body exceeds the {_size(limit)} limit")
            chunks.append(chunk)
    except (httpx.TimeoutException, httpx.NetworkError):
        raise  # retryable: the caller decides
    except httpx.HTTPError as exc:  # truncated or malformed body, bad compression
        raise _TransportFailure(f"{url}: {_describe(exc)}") from exc
    return b"".join(chunks)


def _size(n: int) -> str:
    if n % 2**20 == 0:
        return f"{n // 2**20} MiB"
    if n >= 2**20:
        return f"{n / 2**20:.1f} MiB"
    return f"{n} bytes"


def _parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _describe(exc: Exception) -> str:
    detail = " ".join(str(exc).split()) or "no detail"  # messages must stay one line
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__}: {detail})"
    if isinstance(exc, httpx.NetworkError):
        return f"connection failed ({type(exc).__name__}: {detail})"
    return f"{type(exc).__name__}: {detail}"
