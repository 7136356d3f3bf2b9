"""Information voids (信息空白): questions the public asks more and more that no
clarification or official answer covers yet — the desk's 待回应的问题 list.

Questions are the public's: posts of registered outlets (whose 如有疑问请咨询 is an
answer, not a question) are left out. They are read from the posts of the last
``WINDOW_HOURS`` hours of the stream (the newest ``SCAN_CAP`` originals) and grouped
(``yuqing.analyse.questions``). A group is listed when it was asked at least
``MIN_ASKED`` times, more often in the recent half of the window than in the older
half (or at least ``MIN_ASKED`` times recently), and no published clarification,
fact-check or answered case covers it. An analyst turns one into a fact-check draft
or a case in one click.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.analyse.questions import (
    Question,
    QuestionGroup,
    answered_by,
    bigrams,
    group_questions,
    question_sentences,
)
from yuqing.desk import factchecks
from yuqing.desk.factchecks import ClaimText
from yuqing.errors import NotFound
from yuqing.store.models import Case, CaseReply, Claim, Item

WINDOW_HOURS = 72
SCAN_CAP = 20_000
MIN_ASKED = 3
LISTED = 30


@dataclass(frozen=True)
class Void:
    key: str  # stable while the group's title stays the same
    title: str
    asked: int
    recent: int  # asked in the newer half of the window
    earlier: int
    first_at: datetime
    last_at: datetime
    item_ids: tuple[int, ...]
    samples: tuple[tuple[str, int], ...]  # distinct wordings with an item asking so
    answered: str | None  # the answer that covers it (answered groups are not listed)


def group_key(title: str) -> str:
    return hashlib.sha256(title.encode("utf-8")).hexdigest()[:16]


def official_answers(session: Session) -> list[tuple[str, frozenset[str]]]:
    """Published clarifications and fact-checks, and cases with a reply, as bigram sets."""
    answers: list[tuple[str, frozenset[str]]] = []
    for claim in session.scalars(select(Claim).where(Claim.published.is_(True))).all():
        grams = bigrams(f"{claim.text} {claim.clarification or ''}")
        answers.append((f"辟谣：{claim.text[:30]}", grams))
    replied = select(CaseReply.case_id)
    for case in session.scalars(select(Case).where(Case.id.in_(replied))).all():
        answers.append(
            (f"督办答复：{case.title[:30]}", bigrams(f"{case.title} {case.outcome or ''}"))
        )
    return answers


def answers_key(session: Session) -> tuple[object, ...]:
    """What changes when an answer is given: a new published claim or case reply."""
    return (
        session.scalar(select(func.max(Claim.published_at))),
        session.scalar(select(func.count()).select_from(Claim).where(Claim.published.is_(True))),
        session.scalar(select(func.max(CaseReply.id))),
    )


def _questions(session: Session, since: datetime, until: datetime) -> list[Question]:
    rows = session.execute(
        select(Item.id, Item.text_original, Item.published_at)
        .where(Item.published_at >= since, Item.published_at <= until)
        .where(Item.duplicate_of_id.is_(None), Item.author_is_outlet.is_(False))
        .order_by(Item.published_at.desc())
        .limit(SCAN_CAP)
    ).all()
    return [Question(i, s, at) for i, text, at in rows for s in question_sentences(text)]


def window_end(session: Session, now: datetime) -> datetime:
    """The window ends now, or at the newest post when the stream stops earlier (a
    backfill, the demo's week)."""
    newest = session.scalar(select(func.max(Item.published_at)))
    return min(newest, now) if newest is not None else now


def information_voids(
    session: Session, now: datetime, *, include_answered: bool = False
) -> list[Void]:
    now = window_end(session, now)
    since = now - timedelta(hours=WINDOW_HOURS)
    middle = now - timedelta(hours=WINDOW_HOURS / 2)
    groups = group_questions(_questions(session, since, now))
    answers = official_answers(session)
    out: list[Void] = []
    for group in groups:
        if group.count < MIN_ASKED:
            break  # sorted by count
        recent = group.between(middle, now + timedelta(microseconds=1))
        earlier = group.between(since, middle)
        if recent <= earlier and recent < MIN_ASKED:
            continue  # not rising
        answer = answered_by(group, answers)
        if answer is not None and not include_answered:
            continue
        out.append(_void(group, recent, earlier, answer))
        if len(out) >= LISTED:
            break
    return out


def _void(group: QuestionGroup, recent: int, earlier: int, answer: str | None) -> Void:
    times = [q.published_at for q in group.questions]
    first_of: dict[str, int] = {}
    for q in group.questions:
        first_of.setdefault(q.text, q.item_id)
    samples = tuple(first_of.items())[:5]
    return Void(
        key=group_key(group.title),
        title=group.title,
        asked=group.count,
        recent=recent,
        earlier=earlier,
        first_at=min(times),
        last_at=max(times),
        item_ids=tuple(group.item_ids[:50]),
        samples=samples,
        answered=answer,
    )


def find_void(session: Session, now: datetime, key: str) -> Void:
    for void in information_voids(session, now):
        if void.key == key:
            return void
    raise NotFound("该问题已不在待回应列表中（可能已有回应或热度已降）")


def draft_factcheck(session: Session, user_id: int, now: datetime, key: str) -> Claim:
    """A fact-check draft (unpublished, 待核实) for a listed question."""
    void = find_void(session, now, key)
    fields = ClaimText(
        text=void.title,
        verdict="unverified",
        clarification="",
        authority="",
        source_url="",
        claim_date=now.date(),
    )
    return factchecks.create_claim(session, user_id, fields)
