"""Turning collected records into stored items: redact personal data, normalise,
pseudonymise (authors and the accounts texts name), key, store in batches, and
quarantine what cannot be stored — one bad record never sinks its batch.
Nothing personal is written, not even to the quarantine."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.collect.keys import content_hash, ingest_key
from yuqing.collect.records import RawItem, Record, Rejected
from yuqing.errors import BadInput
from yuqing.store.db import Database
from yuqing.store.items import insert_new_items, quarantine
from yuqing.store.models import Source
from yuqing.store.types import utcnow
from yuqing.text import detect_script, matching_form, pseudonymise
from yuqing.text.normalise import clean
from yuqing.text.pii import Redaction, redact
from yuqing.text.pseudonyms import pseudonymise_handles

MAX_TEXT = 1_000_000  # characters; a longer "post" is a broken export, not speech


@dataclass
class IngestSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0

    def add(self, other: IngestSummary) -> None:
        self.read += other.read
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.quarantined += other.quarantined


@dataclass(frozen=True)
class SourceInfo:
    """A source as collection sees it, detached from any session."""

    id: int | None
    kind: str
    is_public_outlet: bool
    outlet_name: str | None
    name: str = ""
    url: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    allow_private: bool = False

    @classmethod
    def of(cls, source: Source) -> SourceInfo:
        return cls(
            source.id,
            source.kind,
            source.is_public_outlet,
            source.outlet_name,
            source.name,
            source.url,
            dict(source.config or {}),
            source.allow_private,
        )


def prepare_row(
    record: RawItem,
    source: SourceInfo,
    secret: str,
    collected_at: datetime,
    outlets: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The item row for a record, or BadInput naming the reason it cannot be stored.
    Accounts the text names (``//@甲:``, ``@甲``) get their authors' pseudonyms, except
    the registered public ``outlets``."""
    body_redaction = redact(clean(record.body or ""))
    title_redaction = redact(clean(record.title)) if record.title else None
    body = _handles(body_redaction.text, source, secret, outlets)
    title = _handles(title_redaction.text, source, secret, outlets) if title_redaction else None
    if not body and not title:
        raise BadInput("no text: both title and body are empty")
    if len(body) > MAX_TEXT:
        raise BadInput(f"text of {len(body)} characters exceeds the limit of {MAX_TEXT}")
    published = record.published_at or collected_at
    if published.tzinfo is None:
        raise BadInput("publication time has no time zone")
    for name in ("likes", "reposts", "comments", "views"):
        if getattr(record, name) < 0:
            raise BadInput(f"negative {name} count")
    meta, meta_counts = _redacted_meta(record.meta)
    norm = matching_form(f"{title}\n{body}" if title else body)
    digest = content_hash(norm)
    link = web_link(record.url)
    author, is_outlet = _author(record.author, source, secret)
    return {
        "source_id": source.id,
        "unit_id": record.unit_id,
        "kind": record.kind,
        "ingest_key": ingest_key(
            source_id=source.id, url=link, platform_id=record.platform_id, digest=digest
        ),
        "url": link,
        "platform_id": record.platform_id,
        "content_hash": digest,
        "title": title,
        "text_original": body,
        "text_norm": norm,
        "lang": "zh",
        "script": detect_script(body or title or ""),
        "author": author,
        "author_is_outlet": is_outlet,
        "published_at": published,
        "collected_at": collected_at,
        "meta": meta,
        "likes": record.likes,
        "reposts": record.reposts,
        "comments": record.comments,
        "views": record.views,
        "pii": _merge(_pii_counts(body_redaction, title_redaction), meta_counts),
        "privacy_lead": body_redaction.is_privacy_lead,
    }


def _handles(text: str, source: SourceInfo, secret: str, outlets: frozenset[str]) -> str:
    # Keyed like the authors (same platform), so the spread view's repost cascade still
    # finds a reposted author's node; the names themselves are never stored.
    return pseudonymise_handles(text, secret, platform=source.kind, keep=outlets)[0]


def registered_outlets(session: Session) -> frozenset[str]:
    """The names registered public outlets publish under: they stay named in texts."""
    rows = session.execute(
        select(Source.outlet_name, Source.name).where(Source.is_public_outlet.is_(True))
    )
    return frozenset(name for pair in rows for name in pair if name)


def _pii_counts(body: Redaction, title: Redaction | None) -> dict[str, int]:
    """Kinds and counts of personal data removed; the values themselves are never kept."""
    counts = dict(body.counts)
    for kind, count in (title.counts if title else {}).items():
        counts[kind] = counts.get(kind, 0) + count
    return counts


def web_link(url: str | None) -> str | None:
    """``url`` when it is an http(s) link with a host, else None: a feed entry or an
    export cell holding ``javascript:`` or ``data:`` must never become a link."""
    if not url:
        return None
    link = clean(url)
    parts = urlsplit(link)
    return link if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def _redacted_meta(meta: dict[str, Any]) -> tuple[dict[str, Any], dict[str, int]]:
    """``meta`` with the text values of ``extra`` (an export's spare columns)
    cleaned and redacted like the text, and the kinds of data removed."""
    extra = meta.get("extra")
    if not isinstance(extra, dict) or not extra:
        return meta, {}
    counts: dict[str, int] = {}
    redacted: dict[str, Any] = {}
    for key, value in extra.items():
        name = redact(clean(str(key))).text
        if isinstance(value, bool) or value is None:
            redacted[name] = value
            continue
        # numbers too: a phone number read from JSON or a sheet is an int
        done = redact(clean(value if isinstance(value, str) else str(value)))
        keep_number = isinstance(value, int | float) and not done.counts
        redacted[name] = value if keep_number else done.text
        counts = _merge(counts, done.counts)
    return {**meta, "extra": redacted}, counts


def _merge(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in {**a, **b}}


def _author(name: str | None, source: SourceInfo, secret: str) -> tuple[str | None, bool]:
    """Registered public outlets keep their name; every other author becomes a pseudonym."""
    if source.is_public_outlet:
        return (source.outlet_name or name), True
    if not name:
        return None, False
    return pseudonymise(name, secret, platform=source.kind), False


def ingest(
    db: Database,
    source: SourceInfo,
    records: Iterable[Record],
    *,
    secret: str,
    batch_size: int = 2000,
    on_batch: Callable[[IngestSummary], None] | None = None,
) -> IngestSummary:
    """Store one source's records in batches, each batch one transaction."""
    return ingest_pairs(
        db, ((source, r) for r in records), secret=secret, batch_size=batch_size, on_batch=on_batch
    )


def ingest_pairs(
    db: Database,
    pairs: Iterable[tuple[SourceInfo, Record]],
    *,
    secret: str,
    batch_size: int = 2000,
    on_batch: Callable[[IngestSummary], None] | None = None,
) -> IngestSummary:
    """Store records that each name their source (a mixed stream), in batches."""
    total = IngestSummary()
    batch: list[tuple[SourceInfo, Record]] = []
    for pair in pairs:
        batch.append(pair)
        if len(batch) >= batch_size:
            total.add(_store_batch(db, batch, secret, on_batch))
            batch = []
    if batch:
        total.add(_store_batch(db, batch, secret, on_batch))
    return total


def _store_batch(
    db: Database,
    batch: list[tuple[SourceInfo, Record]],
    secret: str,
    on_batch: Callable[[IngestSummary], None] | None,
) -> IngestSummary:
    summary = IngestSummary(read=len(batch))
    collected_at = utcnow()
    rows = []
    with db.transaction() as session:
        outlets = registered_outlets(session)
        for source, record in batch:
            rejected = record if isinstance(record, Rejected) else None
            if rejected is None:
                assert isinstance(record, RawItem)
                try:
                    rows.append(prepare_row(record, source, secret, collected_at, outlets))
                except BadInput as exc:
                    rejected = Rejected(
                        record.origin or "(unknown)",
                        record.position or "",
                        exc.message,
                        (record.title or "") + "\n" + (record.body or ""),
                    )
            if rejected is not None:
                quarantine(
                    session,
                    source_id=source.id,
                    origin=rejected.origin,
                    position=rejected.position or None,
                    reason=rejected.reason,
                    raw=_handles(redact(rejected.raw).text, source, secret, outlets),
                )
                summary.quarantined += 1
        inserted = insert_new_items(session, rows)
    summary.stored = len(inserted)
    summary.duplicates = len(rows) - summary.stored
    if on_batch is not None:
        on_batch(summary)
    return summary
