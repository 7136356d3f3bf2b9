"""robots.txt: what a fetched robots.txt (or its absence) allows, and a cache of
that per scheme+host+port.

The fetching itself is the fetcher's job, so robots.txt goes through the same
guarded client and per-host rate limit as any page. This module turns the
outcome into rules — parsed by protego, which follows RFC 9309 (longest match,
``*`` wildcards, ``$`` anchors) — and urllib.robotparser's long-standing
conventions where the brief asks for them:

* 2xx: the file's rules;
* 401/403: disallow everything (the site is telling robots to keep out; this is
  urllib.robotparser's behaviour although RFC 9309 would allow);
* 404, 410 and other 4xx: allow everything — there is no robots.txt;
* 429, 5xx and network failure: disallow everything, as RFC 9309 requires for an
  unreachable robots.txt, but only for a short while (``FAILURE_TTL``) so one
  bad minute on the site does not stop collection for an hour;
* too many redirects: allow everything (RFC 9309: treat as unavailable).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx
from protego import Protego

ROBOTS_TTL = 3600.0  # seconds a fetched robots.txt is trusted
FAILURE_TTL = 600.0  # seconds an unreachable robots.txt keeps a host closed
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks to parse at least 500 KiB; the rest is ignored
MAX_ROBOTS_REDIRECTS = 5  # RFC 9309's minimum


@dataclass(frozen=True)
class RobotsRules:
    """What one host's robots.txt allows."""

    parser: Protego | None
    allow_all: bool
    reason: str  # why everything is allowed or disallowed; "" when parsed
    transient: bool = False  # cached for FAILURE_TTL instead of ROBOTS_TTL
    body: str = ""  # the parsed text, so that other fetchers can share the rules

    def refusal(self, url: str, user_agent: str) -> str | None:
        """Why ``url`` may not be fetched, or None when it may."""
        if self.parser is not None:
            return None if self.parser.can_fetch(url, user_agent) else "robots.txt disallows it"
        if self.allow_all:
            return None
        if self.transient:
            # Not the site's wish but a failure: say what happened, and that it passes.
            minutes = round(FAILURE_TTL / 60)
            return (
                f"{self.reason}; nothing is fetched from this site until its robots.txt "
                f"can be read (tried again within {minutes} minutes)"
            )
        return f"robots.txt disallows it ({self.reason})"


def allow_all(reason: str) -> RobotsRules:
    return RobotsRules(parser=None, allow_all=True, reason=reason)


def disallow_all(reason: str, *, transient: bool = False) -> RobotsRules:
    return RobotsRules(parser=None, allow_all=False, reason=reason, transient=transient)


def parse_robots(body: bytes) -> RobotsRules:
    """Rules from the bytes of a robots.txt (UTF-8 per RFC 9309; bad bytes replaced)."""
    text = body.decode("utf-8", "replace").removeprefix("\ufeff")
    return RobotsRules(parser=Protego.parse(text), allow_all=False, reason="", body=text)


def rules_for_status(status: int, body: bytes) -> RobotsRules:
    """Rules for the final response to a robots.txt request."""
    if 200 <= status < 300:
        return parse_robots(body)
    if status in (401, 403):
        return disallow_all(f"robots.txt answers HTTP {status}")
    if status == 429 or status >= 500:
        return disallow_all(f"robots.txt unavailable, HTTP {status}", transient=True)
    if 400 <= status < 500:
        return allow_all(f"no robots.txt (HTTP {status})")
    # 1xx, 3xx that could not be followed and other oddities: unavailable.
    return allow_all(f"robots.txt answers HTTP {status}")


def unreachable(reason: str) -> RobotsRules:
    """Rules when robots.txt could not be fetched at all (network failure)."""
    return disallow_all(f"robots.txt could not be fetched ({reason})", transient=True)


def robots_url(url: httpx.URL) -> httpx.URL:
    """Where the robots.txt governing ``url`` lives."""
    return url.copy_with(path="/robots.txt", query=None, fragment=None)


def cache_key(url: httpx.URL) -> str:
    """robots.txt applies per scheme, host and port (RFC 9309 §2.3)."""
    port = url.port or (443 if url.scheme == "https" else 80)
    return f"{url.scheme}://{url.host}:{port}"


class RobotsCache:
    """Rules per scheme+host+port, each kept for its time to live."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        ttl: float = ROBOTS_TTL,
        failure_ttl: float = FAILURE_TTL,
    ) -> None:
        self._clock = clock
        self._ttl = ttl
        self._failure_ttl = failure_ttl
        self._entries: dict[str, tuple[float, RobotsRules]] = {}

    def get(self, key: str) -> RobotsRules | None:
        found = self._entries.get(key)
        if found is None:
            return None
        expires, rules = found
        if self._clock() >= expires:
            del self._entries[key]
            return None
        return rules

    def put(self, key: str, rules: RobotsRules) -> None:
        ttl = self._failure_ttl if rules.transient else self._ttl
        self._entries[key] = (self._clock() + ttl, rules)


class RobotsStore(Protocol):
    """Where fetchers keep robots.txt outcomes: one process's memory, or shared."""

    def get(self, key: str) -> RobotsRules | None: ...

    def put(self, key: str, rules: RobotsRules) -> None: ...


class LockedRobotsCache(RobotsCache):
    """A ``RobotsCache`` that threads of one process share."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(clock)
        self._lock = threading.Lock()

    def get(self, key: str) -> RobotsRules | None:
        with self._lock:
            return super().get(key)

    def put(self, key: str, rules: RobotsRules) -> None:
        with self._lock:
            super().put(key, rules)


def ttl_of(rules: RobotsRules) -> float:
    return FAILURE_TTL if rules.transient else ROBOTS_TTL
