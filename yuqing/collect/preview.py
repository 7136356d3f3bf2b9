"""A test fetch of a source before it is saved: its connector runs once, the first few
records are shown, and nothing is stored (no item, no health record, no validators)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

from yuqing.collect.connectors import CONNECTORS, PollContext
from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.ingest import SourceInfo
from yuqing.collect.records import Record, Rejected
from yuqing.collect.sources import SourceSpec
from yuqing.errors import BadInput, SourceUnreachable

# A person waits for the answer: a few records are enough to see the settings work,
# and each costs a polite request on a news site.
PREVIEW_RECORDS = 3
# The one-off test fetch still waits between requests to a host, but not a
# scheduled poll's full interval.
PREVIEW_INTERVAL = 1.0


@dataclass(frozen=True)
class PreviewRecord:
    title: str
    text: str
    url: str | None
    published_at: datetime | None
    refused: str = ""  # why the record could not be read, when it could not


@dataclass
class SourcePreview:
    records: list[PreviewRecord] = field(default_factory=list)
    error: str = ""  # the source as a whole could not be read


def preview_policy(user_agent: str, fetch_interval: float) -> FetchPolicy:
    return FetchPolicy(
        user_agent=user_agent, min_interval=min(fetch_interval, PREVIEW_INTERVAL), retries=0
    )


def preview_source(spec: SourceSpec, fetcher: Fetcher, tz: ZoneInfo) -> SourcePreview:
    """The first records the source's connector yields with these settings."""
    connector = CONNECTORS.get(spec.kind.value)
    if connector is None:  # the mailbox and manual entry are not fetched from a URL
        return SourcePreview(error="这类信息源没有可试抓的地址，保存后按计划读取")
    info = SourceInfo(
        None,
        spec.kind.value,
        spec.is_public_outlet,
        spec.outlet_name,
        spec.name,
        spec.url,
        dict(spec.config),
        spec.allow_private,
    )
    ctx = PollContext(fetcher=fetcher, tz=tz, is_known_url=lambda _url: False)
    preview = SourcePreview()
    try:
        for record in islice(connector.poll(info, ctx), PREVIEW_RECORDS):
            preview.records.append(_shown(record))
    except (SourceUnreachable, BadInput) as exc:
        preview.error = f"无法读取这个信息源（{exc.message}）"
    if not preview.records and not preview.error:
        preview.error = "读取成功，但没有找到任何条目（请检查地址或选择器）"
    return preview


def _shown(record: Record) -> PreviewRecord:
    if isinstance(record, Rejected):
        return PreviewRecord(record.position, record.raw[:120], None, None, record.reason)
    body = record.body or ""
    return PreviewRecord(record.title or body[:40], body[:120], record.url, record.published_at)
