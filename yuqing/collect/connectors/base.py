"""What a connector is given and what it must do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from yuqing.collect.fetch import Fetcher
from yuqing.collect.ingest import SourceInfo
from yuqing.collect.records import Record


@dataclass
class PollContext:
    """One poll's tools and state. Connectors update ``etag``/``last_modified``
    (or a file fingerprint in ``etag``) and set ``not_modified`` when nothing changed."""

    fetcher: Fetcher
    tz: ZoneInfo
    is_known_url: Callable[[str], bool]
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


class Connector(Protocol):
    kind: str

    def poll(self, source: SourceInfo, ctx: PollContext) -> Iterator[Record]:
        """Records of one poll; raise SourceUnreachable or BadInput when the source as a
        whole cannot be read (one bad record is yielded as Rejected instead)."""
        ...
