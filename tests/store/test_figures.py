"""The kept hour figures always equal a count of the items, whoever changed them,
before and after a recount, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from yuqing.store import figures
from yuqing.store.db import Database
from yuqing.store.figures import KINDS, FigureRow, hour_key
from yuqing.store.models import (
    Claim,
    ClaimMatch,
    FigureChange,
    HourFigure,
    Item,
    ItemPlace,
    RuleHit,
    WatchRule,
)

START = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)
SPAN = (START - timedelta(days=1), START + timedelta(days=2))
SENTIMENTS = ("negative", "neutral", "positive", None)
PLACES = (("990102", "昆都仑区"), ("990103", "青山区"), ("990104", "东河区"))


def build(db: Database, n: int = 60) -> list[int]:
    """Items every 47 minutes over two days, with places, rule hits and claim matches."""
    with db.transaction() as s:
        rule = WatchRule(name="物价", query="价格")
        claim = Claim(text="喝醋防病毒", text_norm="喝醋防病毒", verdict="false")
        s.add_all([rule, claim])
        s.flush()
        ids = []
        for i in range(n):
            at = START + timedelta(minutes=47 * i)
            item = Item(
                ingest_key=f"k{i}",
                content_hash=f"h{i}",
                text_original="价格",
                text_norm="价格",
                published_at=at,
                collected_at=at,
                sentiment=SENTIMENTS[i % 4],
                topic=("物价", "防控", None)[i % 3],
                is_local=i % 5 == 0,
            )
            s.add(item)
            s.flush()
            ids.append(item.id)
            code, name = PLACES[i % 3]
            s.add(ItemPlace(item_id=item.id, code=code, name=name, level="county"))
            if i % 2:
                s.add(RuleHit(rule_id=rule.id, item_id=item.id, matched_at=at))
            if i % 4 == 1:
                s.add(ClaimMatch(item_id=item.id, claim_id=claim.id, score=0.9, rank=1))
    return ids


def live(db: Database, kind: str, since: datetime, until: datetime) -> dict[str, int]:
    with db.reading() as s:
        rows = figures.count_items(s, kind, [(since, until)])
    summed: dict[str, int] = {}
    for r in rows:
        summed[r.key] = summed.get(r.key, 0) + r.items
    return summed


def read(db: Database, kind: str, since: datetime, until: datetime) -> dict[str, int]:
    with db.reading() as s:
        found = figures.totals(s, kind, figures.split(s, since, until))
    return {k: r.items for k, r in found.items() if r.items}


def hourly(db: Database, since: datetime, until: datetime) -> set[FigureRow]:
    with db.reading() as s:
        return {
            r for r in figures.hourly(s, "sentiment", figures.split(s, since, until)) if r.items
        }


def assert_agree(db: Database) -> None:
    """Every kind over several periods, whole hours and part hours, as the items say."""
    periods = [
        SPAN,
        (START, START + timedelta(hours=5)),
        (START + timedelta(minutes=30), START + timedelta(hours=20, minutes=10)),
        (START + timedelta(hours=3, minutes=5), START + timedelta(hours=3, minutes=50)),
    ]
    for since, until in periods:
        for kind in KINDS:
            assert read(db, kind, since, until) == live(db, kind, since, until), (kind, since)
        with db.reading() as s:
            direct = {r for r in figures.count_items(s, "sentiment", [(since, until)]) if r.items}
        assert hourly(db, since, until) == direct


def marks(db: Database) -> set[str]:
    with db.reading() as s:
        return set(s.scalars(select(FigureChange.hour)))


def test_writes_mark_their_hours_and_a_recount_keeps_them(db: Database) -> None:
    build(db)
    assert marks(db), "the triggers marked the items' hours"
    assert_agree(db)  # counted from the items while marked
    marked = marks(db)
    assert figures.recount(db, hours_per_transaction=7) == len(marked)
    assert marks(db) == set()
    with db.reading() as s:
        kept = s.scalar(select(func.count()).select_from(HourFigure))
    assert kept
    assert_agree(db)  # read from the kept rows


CHANGES = ("sentiment", "topic", "local", "moved", "removed", "place", "rule", "claim", "added")


def change(s: Session, item: Item, kind: str) -> None:
    if kind == "sentiment":
        item.sentiment = "positive" if item.sentiment != "positive" else "negative"
    elif kind == "topic":
        item.topic = "谣言"
    elif kind == "local":
        item.is_local = not item.is_local
    elif kind == "moved":
        item.published_at = item.published_at + timedelta(hours=6)
    elif kind == "removed":
        s.delete(item)
    elif kind == "place":
        s.execute(delete(ItemPlace).where(ItemPlace.item_id == item.id))
    elif kind == "rule":
        s.execute(delete(RuleHit).where(RuleHit.item_id == item.id))
    elif kind == "claim":
        s.execute(
            update(ClaimMatch).where(ClaimMatch.item_id == item.id).values(status="confirmed")
        )
    elif kind == "added":
        at = item.published_at
        s.add(Item(ingest_key="new", content_hash="new", text_original="x", text_norm="x",
                   published_at=at, collected_at=at, sentiment="negative"))  # fmt: skip


def test_every_kind_of_change_marks_its_hour_and_is_counted(db: Database) -> None:
    ids = build(db)
    figures.recount(db)
    assert marks(db) == set()
    # Each change on its own item, in an hour of its own (items are 47 minutes apart;
    # claim matches are on every fourth item, so that change takes item 41).
    targets = dict(zip(CHANGES, (1, 5, 9, 13, 17, 21, 25, 41, 33), strict=True))
    hours = {}
    for kind, index in targets.items():
        with db.transaction() as s:
            item = s.get(Item, ids[index])
            assert item is not None
            hours[kind] = hour_key(item.published_at)
            change(s, item, kind)
    assert len(set(hours.values())) == len(CHANGES)
    assert set(hours.values()) <= marks(db)
    assert_agree(db)  # the marked hours are counted from the items
    figures.recount(db)
    assert marks(db) == set()
    assert_agree(db)


def test_changes_that_count_nothing_mark_nothing(db: Database) -> None:
    ids = build(db)
    figures.recount(db)
    with db.transaction() as s:
        s.execute(update(Item).where(Item.id.in_(ids)).values(status="reviewed", heat=3.0))
        s.execute(update(ClaimMatch).values(score=0.5))
    assert marks(db) == set()


def test_a_change_after_the_recount_began_stays_marked(db: Database) -> None:
    """Only the marks a recount read are cleared: one written later waits for the next,
    and the figures are right either way."""
    ids = build(db, n=4)
    with db.reading() as s:
        newest = s.scalar(select(func.max(FigureChange.id)))
    with db.transaction() as s:
        s.execute(update(Item).where(Item.id == ids[0]).values(topic="谣言"))
    assert newest is not None
    with db.transaction() as s:
        figures._recount_some(s, newest, 1000)
    with db.reading() as s:
        left = s.scalars(select(FigureChange.id)).all()
    if not db.is_sqlite:  # SQLite marks an hour once; its recount excludes every writer
        assert left and min(left) > newest
    assert_agree(db)


def test_mark_all_then_recount_rebuilds_the_figures(db: Database) -> None:
    build(db)
    figures.recount(db)
    with db.transaction() as s:
        s.execute(delete(HourFigure))  # lost, as after a restore that skipped them
        figures.mark_all(s)
    assert_agree(db)
    figures.recount(db)
    assert_agree(db)
