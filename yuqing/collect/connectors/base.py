"""What a connector is given and what it must do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from yuqing.collect.fetch import Fetcher, FetchResult
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


def fetch_if_changed(source: SourceInfo, ctx: PollContext) -> FetchResult | None:
    """The source's URL by conditional GET; None (and ``ctx.not_modified``) when the
    server says nothing changed since the validators stored from the last poll."""
    assert source.url is not None
    result = ctx.fetcher.fetch(
        source.url,
        etag=ctx.etag,
        last_modified=ctx.last_modified,
        allow_private=source.allow_private,
    )
    ctx.etag, ctx.last_modified = result.etag, result.last_modified
    if result.not_modified:
        ctx.not_modified = True
        return None
    return result
