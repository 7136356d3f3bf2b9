"""The public face of the fact-check library: published clarifications as data, JSON and Atom.

Only what the desk published goes out: the claim, its verdict, the clarification
and its authority. No item text, no author, nothing about who spread it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.errors import NotFound
from yuqing.store.models import VERDICT_LABELS, Claim

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50
VERDICTS = {str(k): v for k, v in VERDICT_LABELS.items()}


@dataclass(frozen=True)
class Clarification:
    id: int
    claim: str
    verdict: str
    verdict_label: str
    clarification: str
    authority: str
    source_url: str | None
    published_at: datetime

    def as_dict(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "claim": self.claim,
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "clarification": self.clarification,
            "authority": self.authority,
            "source_url": self.source_url,
            "published_at": self.published_at.isoformat(),
            "url": f"{base_url}/clarifications/{self.id}",
        }


def _of(claim: Claim) -> Clarification:
    assert claim.published_at is not None  # published claims always carry the time
    return Clarification(
        id=claim.id,
        claim=claim.text,
        verdict=claim.verdict,
        verdict_label=VERDICTS.get(claim.verdict, claim.verdict),
        clarification=claim.clarification or "",
        authority=claim.authority or "",
        source_url=claim.source_url,
        published_at=claim.published_at,
    )


def published(session: Session, limit: int | None = None) -> list[Clarification]:
    """Published clarifications, newest first."""
    stmt = (
        select(Claim)
        .where(Claim.published.is_(True), Claim.published_at.is_not(None))
        .order_by(Claim.published_at.desc(), Claim.id.desc())
        .limit(limit)
    )
    return [_of(claim) for claim in session.scalars(stmt)]


def one_published(session: Session, claim_id: int) -> Clarification:
    claim = session.get(Claim, claim_id)
    if claim is None or not claim.published or claim.published_at is None:
        raise NotFound(f"澄清 {claim_id} 不存在")
    return _of(claim)


def as_json(items: list[Clarification], base_url: str, title: str) -> dict[str, Any]:
    return {"title": title, "clarifications": [c.as_dict(base_url) for c in items]}


def atom_feed(items: list[Clarification], base_url: str, title: str, now: datetime) -> bytes:
    """An Atom 1.0 feed; lxml escapes every text."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _text(feed, "title", title)
    _text(feed, "id", f"{base_url}/clarifications")
    _text(feed, "updated", (items[0].published_at if items else now).isoformat())
    etree.SubElement(
        feed, f"{{{ATOM}}}link", href=f"{base_url}/clarifications/feed.xml", rel="self"
    )
    etree.SubElement(feed, f"{{{ATOM}}}link", href=f"{base_url}/clarifications")
    for item in items:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "title", f"【{item.verdict_label}】{item.claim}")
        _text(entry, "id", f"{base_url}/clarifications/{item.id}")
        _text(entry, "updated", item.published_at.isoformat())
        _text(entry, "published", item.published_at.isoformat())
        etree.SubElement(entry, f"{{{ATOM}}}link", href=f"{base_url}/clarifications/{item.id}")
        author = etree.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", item.authority)
        _text(entry, "summary", item.clarification)
    data: bytes = etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data


def _text(parent: Any, tag: str, value: str) -> None:
    etree.SubElement(parent, f"{{{ATOM}}}{tag}").text = value
