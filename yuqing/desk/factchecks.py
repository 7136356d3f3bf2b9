"""Fact-checks (辟谣): the claim library, analysts' decisions on matches, publication.

Clarification text passes through the personal-data redaction before it is kept,
because it will be published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from yuqing.analyse.claims import HIGH_SCORE
from yuqing.desk.audit import audit
from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.store.alerts import raise_alert
from yuqing.store.models import VERDICT_LABELS, Case, Claim, ClaimMatch, Item, Verdict
from yuqing.store.types import utcnow
from yuqing.text import matching_form
from yuqing.text.pii import redact

VERDICTS = {str(k): v for k, v in VERDICT_LABELS.items()}
MATCH_STATUSES = ("candidate", "confirmed", "rejected")
# New matches are looked for among items collected this long before now.
MATCH_LOOKBACK = timedelta(days=1)


@dataclass(frozen=True)
class ClaimText:
    """What an analyst writes for a claim."""

    text: str
    verdict: str
    clarification: str = ""
    authority: str = ""
    source_url: str = ""
    claim_date: date | None = None


def _clean(fields: ClaimText) -> ClaimText:
    text = fields.text.strip()
    if not text:
        raise BadInput("辟谣条目需要填写说法（谣言内容）")
    if fields.verdict not in VERDICTS:
        raise BadInput(f"未知的核查结论：{fields.verdict}")
    url = fields.source_url.strip()
    if url and not url.startswith(("http://", "https://")):
        raise BadInput(f"权威来源链接应以 http:// 或 https:// 开头：{url}")
    return ClaimText(
        text=redact(text).text,
        verdict=fields.verdict,
        clarification=redact(fields.clarification.strip()).text,
        authority=fields.authority.strip()[:300],
        source_url=url[:2000],
        claim_date=fields.claim_date,
    )


def create_claim(
    session: Session, user_id: int, fields: ClaimText, *, case_id: int | None = None
) -> Claim:
    fields = _clean(fields)
    if case_id is not None and session.get(Case, case_id) is None:
        raise NotFound(f"督办事项 {case_id} 不存在")
    claim = Claim(
        text=fields.text,
        text_norm=matching_form(fields.text),
        verdict=fields.verdict,
        clarification=fields.clarification or None,
        authority=fields.authority or None,
        source_url=fields.source_url or None,
        claim_date=fields.claim_date,
        case_id=case_id,
        created_by_id=user_id,
    )
    session.add(claim)
    session.flush()
    audit(
        session, user_id, "claim.create", "claim", claim.id, verdict=claim.verdict, case_id=case_id
    )
    return claim


def update_claim(session: Session, user_id: int, claim_id: int, fields: ClaimText) -> Claim:
    claim = get_claim(session, claim_id)
    fields = _clean(fields)
    claim.text, claim.text_norm = fields.text, matching_form(fields.text)
    claim.verdict = fields.verdict
    claim.clarification = fields.clarification or None
    claim.authority = fields.authority or None
    claim.source_url = fields.source_url or None
    claim.claim_date = fields.claim_date
    audit(session, user_id, "claim.update", "claim", claim.id, verdict=claim.verdict)
    return claim


def get_claim(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"辟谣条目 {claim_id} 不存在")
    return claim


def publish(session: Session, user_id: int, claim_id: int, *, public: bool = True) -> Claim:
    """Put the clarification on the public page and feeds (or take it off)."""
    claim = get_claim(session, claim_id)
    if public and not (claim.clarification and claim.authority):
        raise BadInput(f"辟谣条目 {claim_id} 发布前需要澄清内容和权威来源")
    if public and claim.verdict == Verdict.UNVERIFIED.value:
        raise BadInput(f"辟谣条目 {claim_id} 尚未核实，不能发布")
    if claim.published == public:
        raise Conflict(f"辟谣条目 {claim_id} {'已发布' if public else '未发布'}")
    claim.published = public
    claim.published_at = utcnow() if public else None
    audit(session, user_id, "claim.publish" if public else "claim.unpublish", "claim", claim.id)
    return claim


def list_claims(
    session: Session, *, verdict: str = "", published: bool | None = None, q: str = ""
) -> Sequence[tuple[Claim, int]]:
    """Claims with how many items were confirmed to repeat each."""
    confirmed = (
        select(ClaimMatch.claim_id, func.count().label("n"))
        .where(ClaimMatch.status == "confirmed")
        .group_by(ClaimMatch.claim_id)
        .subquery()
    )
    stmt = select(Claim, func.coalesce(confirmed.c.n, 0)).outerjoin(
        confirmed, confirmed.c.claim_id == Claim.id
    )
    if verdict:
        stmt = stmt.where(Claim.verdict == verdict)
    if published is not None:
        stmt = stmt.where(Claim.published.is_(published))
    if q:
        stmt = stmt.where(Claim.text_norm.contains(matching_form(q), autoescape=True))
    return session.execute(stmt.order_by(Claim.created_at.desc(), Claim.id.desc())).all()


def decide_match(
    session: Session, user_id: int, item_id: int, claim_id: int, *, confirm: bool
) -> ClaimMatch:
    """An analyst says whether the item repeats the claim; a claim can also be linked by hand."""
    if session.get(Item, item_id) is None:
        raise NotFound(f"条目 {item_id} 不存在")
    get_claim(session, claim_id)
    match = session.get(ClaimMatch, (item_id, claim_id))
    if match is None:
        match = ClaimMatch(item_id=item_id, claim_id=claim_id, score=1.0, rank=0)
        session.add(match)
    match.status = "confirmed" if confirm else "rejected"
    match.decided_by_id = user_id
    match.decided_at = utcnow()
    audit(session, user_id, f"claim_match.{match.status}", "item", item_id, claim_id=claim_id)
    return match


def item_claims(session: Session, item_id: int) -> Sequence[tuple[ClaimMatch, Claim]]:
    return session.execute(
        select(ClaimMatch, Claim)
        .join(Claim, Claim.id == ClaimMatch.claim_id)
        .where(ClaimMatch.item_id == item_id)
        .order_by(ClaimMatch.rank, ClaimMatch.score.desc())
    ).all()


def raise_match_alerts(session: Session, now: datetime, tz: ZoneInfo) -> int:
    """New items matching a published false claim: one alert per claim and local day.
    A match counts once an analyst confirmed it or the matcher calls it 高度匹配."""
    rows = session.execute(
        select(Claim.id, Claim.text, func.count(), func.min(Item.id))
        .join(ClaimMatch, ClaimMatch.claim_id == Claim.id)
        .join(Item, Item.id == ClaimMatch.item_id)
        .where(
            Claim.published.is_(True),
            Claim.verdict == Verdict.FALSE.value,
            ClaimMatch.status != "rejected",
            or_(ClaimMatch.status == "confirmed", ClaimMatch.score >= HIGH_SCORE),
            Item.collected_at >= now - MATCH_LOOKBACK,
            Item.collected_at >= Claim.published_at,
        )
        .group_by(Claim.id, Claim.text)
    ).all()
    day = now.astimezone(tz).date().isoformat()
    raised = 0
    for claim_id, text, count, first_item in rows:
        raised += raise_alert(
            session,
            kind="claim_match",
            title=f"已辟谣的谣言再次出现：{text}",
            dedupe_key=f"claim_match:{claim_id}:{day}",
            detail={"claim_id": claim_id, "items": int(count), "item_id": first_item},
            severity="major",
        )
    return raised
