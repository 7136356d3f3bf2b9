"""The shape every connector hands to ingest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class RawItem:
    """One collected article or post before normalisation.

    ``origin`` and ``position`` say where it came from (a file and line, a feed URL
    and entry number) so that a rejected record can be found again.
    """

    body: str
    title: str | None = None
    url: str | None = None
    platform_id: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    kind: str = "post"
    likes: int = 0
    reposts: int = 0
    comments: int = 0
    views: int = 0
    unit_id: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    origin: str = ""
    position: str | None = None


@dataclass(frozen=True)
class Rejected:
    """A record a connector could not turn into a RawItem: kept, with where and why."""

    origin: str
    position: str
    reason: str
    raw: str


Record = RawItem | Rejected
