"""A report's figures agree with each other on a generated window: the rumour counts
cover the rumour events of 热点事件, the heat of an event is its items' heat on the
items' own scale, and 重点信息 lists each story once, copies folded across scripts and
reposts, with the copies and reposts counted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from tests.reports.seed import DAY, END, START, TZ, seed
from yuqing.reports.content import part_text
from yuqing.reports.series import ensure_default_series, get_series
from yuqing.reports.stories import story_key
from yuqing.reports.windows import daily_window
from yuqing.reports.workflow import SYSTEM, create_draft, latest_version
from yuqing.store.db import Database
from yuqing.store.models import Claim, ClaimMatch, Event, Item, Source
from yuqing.text.normalise import matching_form, to_traditional

NOW = END + timedelta(hours=1)
STORY = "市卫生健康委员会发布：全市核酸检测点增加至两百个，请市民错峰检测，检测结果当日可查"
RUMOUR = "紧急扩散：喝白酒熏白醋能预防感染，家里老人都在喝"


def _item(session: Session, key: str, text: str, hours: float, **fields: Any) -> Item:
    item = Item(
        ingest_key=key,
        content_hash=key,
        text_original=text,
        text_norm=matching_form(text),
        published_at=START + timedelta(hours=hours),
        collected_at=START + timedelta(hours=hours),
        **fields,
    )
    session.add(item)
    session.flush()
    return item


def generate(session: Session) -> dict[str, Any]:
    """Beside the seeded window: one story posted, copied, reposted with a comment and
    retyped in traditional script; a rumour event with a confirmed item and another
    with only a candidate match."""
    outlet = Source(name="健康测试", kind="web", is_public_outlet=True)
    weibo = Source(name="微博", kind="web")
    session.add_all([outlet, weibo])
    session.flush()
    original = _item(
        session, "s0", STORY, 3, heat=150.0, reposts=120, copy_count=3, source_id=outlet.id
    )
    for n in range(3):  # copies folded at ingest
        _item(session, f"s-copy{n}", STORY, 4 + n, heat=2.0, duplicate_of_id=original.id)
    _item(session, "s-repost", f"好消息//@健康测试：{STORY}", 5, heat=130.0, reposts=15)
    _item(session, "s-hant", to_traditional(STORY), 6, heat=120.0, reposts=5, source_id=weibo.id)
    claim = Claim(text="喝白酒能预防感染", text_norm="喝白酒能预防感染", verdict="false")
    session.add(claim)
    confirmed = Event(title="喝白酒防感染谣言", first_seen=START, last_seen=END, heat=9999.0)
    waiting = Event(title="熏醋防感染说法", first_seen=START, last_seen=END, heat=1.0)
    session.add_all([confirmed, waiting])
    session.flush()
    for key, event, status, heat in (
        ("r1", confirmed, "confirmed", 6.0),
        ("r2", confirmed, "candidate", 5.5),
        ("r3", waiting, "candidate", 4.0),
    ):
        item = _item(session, key, RUMOUR + key, 7, heat=heat, event_id=event.id)
        match = ClaimMatch(item_id=item.id, claim_id=claim.id, score=0.8, rank=1, status=status)
        session.add(match)
    session.flush()
    return {"confirmed": confirmed.id, "waiting": waiting.id}


def draft(db: Database) -> tuple[dict[str, Any], dict[str, Any]]:
    with db.transaction() as session:
        seed(session)
        events = generate(session)
        ensure_default_series(session, "测试市舆情专班")
        report = create_draft(
            session, get_series(session, "daily"), daily_window(DAY, TZ), SYSTEM, NOW
        )
        return latest_version(session, report.id).content, events


def blocks(content: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return next(s["blocks"] for s in content["sections"] if s["key"] == key)


def value(content: dict[str, Any], key: str) -> int:
    return int(content["figures"][key]["value"])


def test_rumour_figures_cover_the_rumour_events_of_the_hot_events(db: Database) -> None:
    content, events = draft(db)
    table = next(b for b in blocks(content, "key_points") if b.get("type") == "table")
    assert table["columns"] == ["事件", "本期信息", "热度", "涉谣", "趋势"]
    marks = {row[0]["href"]: row[3] for row in table["rows"]}
    assert marks[f"/events/{events['confirmed']}"] == "已确认"
    assert marks[f"/events/{events['waiting']}"] == "待核实"
    # The seeded event carries a confirmed rumour too: two confirmed events, one waiting.
    assert value(content, "rumour_events") == list(marks.values()).count("已确认") == 2
    assert value(content, "rumour_events:candidate") == list(marks.values()).count("待核实") == 1
    # Seeded: two confirmed items and one candidate; generated: one and two more.
    assert value(content, "rumour_items") == 2 + 1
    assert value(content, "rumour_items:candidate") == 1 + 2
    said = "".join(
        part_text(p, content["figures"])
        for b in blocks(content, "rumours")
        if b.get("type") == "para"
        for p in b["parts"]
    )
    assert "确认涉及已知谣言的信息3条（涉及谣言2条、事件2个）" in said
    assert "待核实的信息3条（涉及谣言0条、事件1个）" in said


def test_event_heat_is_its_items_heat_in_the_window(db: Database) -> None:
    content, events = draft(db)
    table = next(b for b in blocks(content, "key_points") if b.get("type") == "table")
    heat = {row[0]["href"]: row[2] for row in table["rows"]}
    # The stored all-time heat (9999) is not what the report compares with its items.
    assert heat[f"/events/{events['confirmed']}"] == "11.5"
    notes = [b for b in blocks(content, "key_points") if b.get("style") == "note"]
    assert len(notes) == 1 and "同一尺度" in notes[0]["parts"][0]


def test_key_items_are_distinct_stories_each_printed_once(db: Database) -> None:
    content, _ = draft(db)
    section = blocks(content, "key_points")
    start = next(i for i, b in enumerate(section) if b.get("text", "").endswith("重点信息"))
    lines = ["".join(b["parts"]) for b in section[start + 1 :] if b.get("style") is None]
    keys = [story_key(matching_form(line.split("（")[0])) for line in lines]
    assert len(keys) == len(set(keys))  # one line per story
    story = [line for line in lines if "两百个" in line]
    assert len(story) == 1  # the original, its repost and its traditional copy: one story
    # Printed once, from its source, with the copies folded at ingest (3) and here (2),
    # and the reposts the platforms counted on all three (120 + 15 + 5).
    assert story[0].count("全市核酸检测点") == 1
    assert story[0].startswith(STORY) and "（健康测试，" in story[0]
    assert story[0].endswith("转载5次、转发140次）")
    assert not any("衛生" in line for line in lines)
