"""Ingest is idempotent, keeps bad records visible, and never stores a poster's name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.keys import canonical_url, ingest_key
from yuqing.collect.records import RawItem
from yuqing.store.db import Database
from yuqing.store.models import Item, QuarantineEntry, Source
from yuqing.store.search import ItemQuery, search_item_ids

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
SECRET = "k" * 32
PLATFORM = SourceInfo(None, "file", False, None)
OUTLET = SourceInfo(None, "rss", True, "青岚日报")


def posts(n: int, prefix: str = "wb") -> list[RawItem]:
    return [
        RawItem(
            body=f"第{i}条：排队做核酸",
            platform_id=f"{prefix}-{i}",
            author="江边的猫",
            published_at=T0 + timedelta(minutes=i),
            origin="export.jsonl",
            position=f"line {i + 1}",
        )
        for i in range(n)
    ]


def count(db: Database, model: type[Item] | type[QuarantineEntry]) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_reimporting_adds_nothing(db: Database) -> None:
    first = ingest(db, PLATFORM, posts(5), secret=SECRET, batch_size=2)
    assert (first.read, first.stored, first.duplicates) == (5, 5, 0)
    again = ingest(db, PLATFORM, posts(5), secret=SECRET, batch_size=3)
    assert (again.read, again.stored, again.duplicates) == (5, 0, 5)
    assert count(db, Item) == 5
    with db.reading() as session:
        assert len(search_item_ids(session, ItemQuery(text="核酸"))) == 5


def test_duplicates_inside_one_batch_store_once(db: Database) -> None:
    summary = ingest(db, PLATFORM, posts(3) + posts(3), secret=SECRET)
    assert (summary.stored, summary.duplicates) == (3, 3)


def test_a_bad_record_is_quarantined_and_the_batch_stored(db: Database) -> None:
    records = posts(4)
    records[1] = RawItem(body="  ", title=None, origin="export.jsonl", position="line 2")
    records[2] = RawItem(
        body="时间没有时区", published_at=datetime(2026, 11, 16, 9), position="line 3"
    )
    summary = ingest(db, PLATFORM, records, secret=SECRET)
    assert (summary.stored, summary.quarantined) == (2, 2)
    with db.reading() as session:
        entries = session.scalars(select(QuarantineEntry).order_by(QuarantineEntry.id)).all()
        assert [(e.origin, e.position) for e in entries] == [
            ("export.jsonl", "line 2"),
            ("(unknown)", "line 3"),
        ]
        assert "empty" in entries[0].reason and "time zone" in entries[1].reason
        assert entries[1].raw is not None and "时间没有时区" in entries[1].raw


def test_authors_become_keyed_pseudonyms(db: Database) -> None:
    ingest(db, PLATFORM, posts(2), secret=SECRET)
    ingest(db, PLATFORM, posts(1, prefix="other"), secret="another-deployment-secret")
    with db.reading() as session:
        authors = session.scalars(select(Item.author).order_by(Item.id)).all()
    assert authors[0] == authors[1]  # the same poster is recognisable as the same
    assert authors[0] != authors[2]  # but a different key gives a different label
    assert all(a is not None and a.startswith("用户-") and "江边" not in a for a in authors)


def test_registered_outlets_keep_their_name(db: Database) -> None:
    ingest(
        db,
        OUTLET,
        [RawItem(body="通报", title="疫情通报", url="https://n.example/1")],
        secret=SECRET,
    )
    with db.reading() as session:
        item = session.scalars(select(Item)).one()
    assert (item.author, item.author_is_outlet) == ("青岚日报", True)


def test_accounts_named_in_the_text_get_their_authors_pseudonyms(db: Database) -> None:
    with db.transaction() as session:
        session.add(Source(name="青岚发布", kind="rss", is_public_outlet=True))
    reposted = RawItem(
        body="大家注意//@江边的猫:排队两小时//@青岚发布:【通报】检测点调整 @小林同学 看看",
        title="@江边的猫 的转发",
        platform_id="r1",
        author="山那边",
        published_at=T0,
    )
    ingest(db, PLATFORM, [reposted, *posts(1)], secret=SECRET)
    with db.reading() as session:
        repost, original = session.scalars(select(Item).order_by(Item.id)).all()
    stored = f"{repost.title}\n{repost.text_original}\n{repost.text_norm}"
    assert "江边的猫" not in stored and "小林同学" not in stored
    assert "//@青岚发布:【通报】" in repost.text_original  # a registered outlet stays named
    # The chain names the reposted author by the pseudonym the author's own post got,
    # so the spread view still links the two.
    assert f"//@{original.author}:排队两小时" in repost.text_original
    assert repost.title == f"@{original.author} 的转发"


def test_original_kept_and_matching_form_simplified(db: Database) -> None:
    record = RawItem(body="昆都侖區\u200b檢測點", platform_id="t1", published_at=T0)
    ingest(db, PLATFORM, [record], secret=SECRET)
    with db.reading() as session:
        item = session.scalars(select(Item)).one()
    assert item.text_original == "昆都侖區檢測點"
    assert item.text_norm == "昆都仑区检测点"
    assert item.script == "hant"


def test_canonical_urls_fold_tracking_and_case() -> None:
    a = canonical_url("HTTPS://News.Example:443/a?utm_source=x&b=2&a=1#top")
    assert a == "https://news.example/a?a=1&b=2"
    assert (
        ingest_key(source_id=1, url="https://news.example/a?b=2&a=1", platform_id=None, digest="d")
        == "url:" + a
    )
